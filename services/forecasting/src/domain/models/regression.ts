import { rms } from '../stats';
import type { FitInput, ModelOutput } from './types';

/**
 * Ordinary least squares with an intercept, by the normal equations and Gaussian elimination
 * with partial pivoting; a tiny ridge keeps a rank-deficient design solvable. The designs
 * here have at most a dozen columns on a rescaled clock, so this is well conditioned.
 */
function leastSquares(x: number[][], y: number[]): number[] {
  const k = x[0].length + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < x.length; i++) {
    const row = [1, ...x[i]];
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r][c] += row[r] * row[c];
      a[r][k] += row[r] * y[i];
    }
  }
  for (let r = 0; r < k; r++) a[r][r] += 1e-12 * (a[r][r] || 1);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col] || 1e-300;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r][col] / p;
      if (f !== 0) for (let c = col; c <= k; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, r) => row[k] / (row[r] || 1e-300));
}

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
  const beta = leastSquares(x, y);
  const predict = (t: number): number => {
    const row = design(t, n, degree, period, seasonal);
    let v = beta[0];
    for (let j = 0; j < row.length; j++) v += beta[j + 1] * row[j];
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
