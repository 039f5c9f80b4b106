/**
 * What the models trained across SKUs share when they learn: the forecast origins cut from each
 * history, how much each origin counts, and how wide the intervals of the result are.
 */
export interface TrainingSeries {
  start: string;
  y: number[];
}

/** Fewest observed days before an origin: three weeks give every feature something to see. */
const MIN_ORIGIN = 21;

/**
 * The origins (numbers of observed days) of a history, latest first, `every` days apart, each
 * leaving `horizon` days after it to learn from.
 */
export function originsOf(y: number[], horizon: number, every: number): number[] {
  const out: number[] = [];
  for (let end = y.length - horizon; end >= MIN_ORIGIN; end -= every) out.push(end);
  return out;
}

/** Largest weight a single origin may get, so a few near-flat histories cannot dominate. */
const MAX_WEIGHT = 10;

/**
 * Makes the training loss the evaluation metric: the error in units of the series scale,
 * times scale / (in-sample weekly seasonal naive error), is the MASE contribution.
 */
export function maseWeight(y: number[], end: number, scale: number): number {
  let s = 0;
  let n = 0;
  for (let t = 7; t < end; t++) {
    s += Math.abs(y[t] - y[t - 7]);
    n++;
  }
  const naiveError = n > 0 ? s / n : 0;
  return naiveError > 0 ? Math.min(scale / naiveError, MAX_WEIGHT) : 1;
}

/**
 * Robust standard deviation of in-sample errors per week of the horizon: the 10-90% quantile
 * range over 2.563, pooled over weekdays so the weekday of the training origins does not leak
 * into the widths. `residuals[w]` holds the errors of steps in week `w`.
 */
export function weekSigma(residuals: number[][]): number[] {
  return residuals.map((r) => {
    const sorted = Float64Array.from(r).sort();
    const q = (p: number) => sorted[Math.floor(p * (sorted.length - 1))] ?? 0;
    return (q(0.9) - q(0.1)) / 2.563;
  });
}
