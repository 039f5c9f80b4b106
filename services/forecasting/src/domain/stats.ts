import { probit } from 'simple-statistics';

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : sum(xs) / xs.length;
}

/** Standard deviation of residuals around zero (their root mean square), ignoring NaNs. */
export function rms(residuals: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const r of residuals) {
    if (Number.isFinite(r)) {
      s += r * r;
      n++;
    }
  }
  return n === 0 ? 0 : Math.sqrt(s / n);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The z value of a central prediction interval at `level` percent. */
export function zFor(level: number): number {
  return probit(0.5 + level / 200);
}

export function isConstant(y: readonly number[]): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

export function lastN(y: readonly number[], n: number): number[] {
  return y.slice(Math.max(0, y.length - n));
}
