/** Small numeric helpers the replenishment policy is built from. */

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Longest walk along a count's pmf before the normal approximation takes over. */
const MAX_WALK = 1_000_000;

/**
 * The p-quantile of a count with the given mean and variance: negative binomial when the
 * variance exceeds the mean (lumpy demand), Poisson otherwise. Walks the pmf, so it is exact.
 */
export function countQuantile(mean: number, variance: number, p: number): number {
  if (!(mean > 0)) return 0;
  const v = Math.max(variance, mean);
  const cap = Math.ceil(mean + 40 * Math.sqrt(v)) + 10;
  // Far into the normal regime, or with a spread that would make the walk long, the normal
  // is accurate enough and takes no walk at all.
  if (mean > 5000 || !(cap <= MAX_WALK)) {
    return Math.max(0, Math.ceil(mean + normalQuantile(p) * Math.sqrt(v)));
  }
  let pmf: number;
  let next: (k: number, prev: number) => number;
  if (v <= mean * 1.0001) {
    pmf = Math.exp(-mean);
    next = (k, prev) => (prev * mean) / k;
  } else {
    const size = (mean * mean) / (v - mean);
    const success = mean / v;
    pmf = Math.exp(size * Math.log(success));
    next = (k, prev) => (prev * (k - 1 + size) * (1 - success)) / k;
  }
  let cdf = pmf;
  let k = 0;
  while (cdf < p && k < cap) {
    k++;
    pmf = next(k, pmf);
    cdf += pmf;
  }
  return k;
}

/** Weighted mean and variance of samples. */
export function weightedMoments(
  values: number[],
  weights: number[],
): { mean: number; variance: number } {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    total += weights[i];
    sum += weights[i] * values[i];
  }
  if (total <= 0) return { mean: 0, variance: 0 };
  const mean = sum / total;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += weights[i] * (values[i] - mean) ** 2;
  return { mean, variance: sq / total };
}

/**
 * Weighted samples sorted once, so the expected excess over a level, E[(X - s)+], takes a
 * binary search instead of a pass over every sample.
 */
export class SortedSample {
  private readonly values: Float64Array;
  /** Running sums of weight and of weight × value, in value order, from 0. */
  private readonly cumWeight: Float64Array;
  private readonly cumMass: Float64Array;
  readonly total: number;

  constructor(values: number[], weights: number[]) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    this.values = Float64Array.from(order, (i) => values[i]);
    this.cumWeight = new Float64Array(order.length + 1);
    this.cumMass = new Float64Array(order.length + 1);
    order.forEach((i, k) => {
      this.cumWeight[k + 1] = this.cumWeight[k] + weights[i];
      this.cumMass[k + 1] = this.cumMass[k] + weights[i] * values[i];
    });
    this.total = this.cumWeight[order.length];
  }

  get size(): number {
    return this.values.length;
  }

  /** The k-th smallest value. */
  at(k: number): number {
    return this.values[k];
  }

  /** The p-quantile: the smallest value whose cumulative weight reaches p. */
  quantile(p: number): number {
    const n = this.values.length;
    if (n === 0) return 0;
    const target = p * this.total - 1e-12;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumWeight[mid + 1] >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }

  /** E[(X - s)+] under the weights. */
  excess(s: number): number {
    if (!(this.total > 0)) return 0;
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid] > s) hi = mid;
      else lo = mid + 1;
    }
    const n = this.values.length;
    const mass = this.cumMass[n] - this.cumMass[lo];
    const weight = this.cumWeight[n] - this.cumWeight[lo];
    return (mass - s * weight) / this.total;
  }
}
