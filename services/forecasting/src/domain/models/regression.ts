import { MultivariateLinearRegression } from 'ml-regression';
import { rms } from '../stats';
import type { FitInput, ModelOutput } from './types';

/** Trend terms (t, t², ...) on a rescaled clock plus one dummy per season position but one. */
function design(t: number, n: number, degree: number, period: number, seasonal: boolean): number[] {
  const u = t / n;
  const row: number[] = [];
  for (let d = 1; d <= degree; d++) row.push(u ** d);
  if (seasonal) for (let k = 1; k < period; k++) row.push(t % period === k ? 1 : 0);
  return row;
}

/**
 * Least squares on trend and calendar (season position). Calendar terms are used only when
 * there are at least two full seasons, so the dummies are identifiable.
 */
export function regression(input: FitInput, degree: 1 | 2): ModelOutput {
  const { y, horizon, period } = input;
  const n = y.length;
  const warnings: string[] = [];
  const minPoints = degree + 2;
  if (n < minPoints) {
    const last = y[n - 1];
    warnings.push(`regression needs ${minPoints} points, got ${n}: used the mean`);
    const level = y.reduce((a, b) => a + b, 0) / n;
    return {
      mean: new Array<number>(horizon).fill(n === 1 ? last : level),
      sigma: new Array<number>(horizon).fill(0),
      warnings,
      variant: 'mean',
    };
  }
  const seasonal = period >= 2 && n >= 2 * period + degree + 1;
  const x = y.map((_, t) => design(t, n, degree, period, seasonal));
  const model = new MultivariateLinearRegression(
    x,
    y.map((v) => [v]),
  );
  const predict = (t: number): number => {
    const v = model.predict(design(t, n, degree, period, seasonal))[0];
    return Number.isFinite(v) ? v : y[n - 1];
  };
  const fitted = y.map((_, t) => predict(t));
  const dof = Math.max(1, n - x[0].length - 1);
  const s = rms(y.map((v, t) => v - fitted[t])) * Math.sqrt(n / dof);
  return {
    mean: Array.from({ length: horizon }, (_, h) => predict(n + h)),
    sigma: new Array<number>(horizon).fill(s),
    fitted,
    warnings,
    variant: `${degree === 1 ? 'linear' : 'polynomial'}_regression${seasonal ? '+season' : ''}`,
  };
}
