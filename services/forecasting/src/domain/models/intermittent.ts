import { rms } from '../stats';
import type { FitInput, ModelOutput } from './types';

export type CrostonKind = 'croston' | 'sba' | 'tsb';

interface Pass {
  forecast: number;
  fitted: number[];
}

/** One pass of Croston-style smoothing with fixed constants, fitted values one step ahead. */
function crostonPass(y: number[], kind: CrostonKind, alpha: number, beta: number): Pass {
  const first = y.findIndex((v) => v !== 0);
  const fitted: number[] = new Array<number>(y.length).fill(0);
  if (first < 0) return { forecast: 0, fitted };

  const bias = kind === 'sba' ? 1 - alpha / 2 : 1;
  let size = y[first];
  let interval = first + 1;
  let prob = 1 / (first + 1);
  let since = 1;
  for (let t = first + 1; t < y.length; t++) {
    fitted[t] = kind === 'tsb' ? prob * size : (bias * size) / interval;
    if (y[t] !== 0) {
      size += alpha * (y[t] - size);
      interval += alpha * (since - interval);
      prob += beta * (1 - prob);
      since = 1;
    } else {
      prob += beta * (0 - prob);
      since++;
    }
  }
  const forecast = kind === 'tsb' ? prob * size : (bias * size) / interval;
  return { forecast, fitted };
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3];

/**
 * Croston, its bias-corrected SBA variant, and TSB (which lets the demand probability decay,
 * so an item that stopped selling fades out). Smoothing constants are picked from a small grid
 * by in-sample one-step squared error.
 */
export function croston(input: FitInput, kind: CrostonKind): ModelOutput {
  const { y, horizon } = input;
  let best: Pass | undefined;
  let bestErr = Infinity;
  let bestAlpha = 0.1;
  for (const alpha of ALPHAS) {
    for (const beta of kind === 'tsb' ? ALPHAS : [0]) {
      const pass = crostonPass(y, kind, alpha, beta);
      const err = rms(y.map((v, i) => v - pass.fitted[i]));
      if (err < bestErr) {
        bestErr = err;
        best = pass;
        bestAlpha = alpha;
      }
    }
  }
  const pass = best ?? crostonPass(y, kind, 0.1, 0.1);
  const s = Number.isFinite(bestErr) ? bestErr : 0;
  return {
    mean: new Array<number>(horizon).fill(pass.forecast),
    sigma: Array.from({ length: horizon }, (_, h) => s * Math.sqrt(1 + h * bestAlpha * bestAlpha)),
    fitted: pass.fitted,
    warnings: [],
    variant: `${kind}(alpha=${bestAlpha})`,
  };
}
