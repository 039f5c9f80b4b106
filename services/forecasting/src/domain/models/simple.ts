import { mean, rms } from '../stats';
import type { FitInput, ModelOutput } from './types';

/** Repeats the last value; the error grows like a random walk. */
export function naive({ y, horizon }: FitInput): ModelOutput {
  const last = y[y.length - 1];
  const residuals = y.slice(1).map((v, i) => v - y[i]);
  const s = rms(residuals);
  return {
    mean: new Array<number>(horizon).fill(last),
    sigma: Array.from({ length: horizon }, (_, h) => s * Math.sqrt(h + 1)),
    fitted: [y[0], ...y.slice(0, -1)],
    warnings: [],
  };
}

/** Repeats the last season; needs one full season of history. */
export function seasonalNaive(input: FitInput): ModelOutput {
  const { y, horizon, period } = input;
  if (period < 2 || y.length < period) {
    const out = naive(input);
    const why = `seasonal_naive needs ${period} points, got ${y.length}: used naive`;
    return { ...out, warnings: [...out.warnings, why], variant: 'naive' };
  }
  const n = y.length;
  const residuals = y.slice(period).map((v, i) => v - y[i]);
  const s = rms(residuals);
  return {
    mean: Array.from({ length: horizon }, (_, h) => y[n - period + (h % period)]),
    sigma: Array.from({ length: horizon }, (_, h) => s * Math.sqrt(Math.floor(h / period) + 1)),
    fitted: y.map((v, i) => (i >= period ? y[i - period] : v)),
    warnings: [],
  };
}

/** Mean of the last `window` points (four seasons by default, at most the history). */
export function movingAverage(input: FitInput, window?: number): ModelOutput {
  const { y, horizon, period } = input;
  const k = Math.max(1, Math.min(y.length, window ?? Math.max(4 * period, 4)));
  const level = mean(y.slice(y.length - k));
  const fitted: number[] = [];
  let acc = 0;
  for (let i = 0; i < y.length; i++) {
    fitted.push(i === 0 ? y[0] : acc / Math.min(i, k));
    acc += y[i];
    if (i >= k) acc -= y[i - k];
  }
  const s = rms(y.map((v, i) => (i === 0 ? NaN : v - fitted[i])));
  return {
    mean: new Array<number>(horizon).fill(level),
    sigma: new Array<number>(horizon).fill(s * Math.sqrt(1 + 1 / k)),
    fitted,
    warnings: [],
    variant: `moving_average(${k})`,
  };
}
