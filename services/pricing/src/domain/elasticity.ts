import { fitOls } from './ols';

/** Units sold on one day at one (average) price, optionally for one customer segment. */
export interface PricePoint {
  day: string;
  price: number;
  units: number;
}

/** How demand for a SKU moves with its price. */
export interface ElasticityEstimate {
  /** The value used to move prices: the SKU's own, shrunk toward the pooled one. */
  elasticity: number | null;
  /** The 95% interval of `elasticity`. */
  interval: { lower: number; upper: number } | null;
  /** The SKU's own regression estimate before shrinkage, and its standard error. */
  own: { estimate: number; standardError: number } | null;
  distinctPrices: number;
  observations: number;
  credible: boolean;
  /** Why the estimate is not credible, when it is not. */
  reason?: string;
  method: 'own' | 'shrunk' | 'none';
}

/** The estimate across many SKUs that a thinly-priced SKU borrows strength from. */
export interface PooledEstimate {
  elasticity: number;
  /** Spread of true elasticities between SKUs (a standard deviation). */
  between: number;
  skus: number;
}

export interface ElasticityOptions {
  /** Widest 95% interval still called credible. */
  maxIntervalWidth?: number;
  minObservations?: number;
}

const Z95 = 1.959964;
const DAY_MS = 86_400_000;

/** Sums a SKU's lines into one point per day at the units-weighted mean price. */
export function dailyPoints(lines: { day: string; price: number; units: number }[]): PricePoint[] {
  const byDay = new Map<string, { units: number; revenue: number }>();
  for (const line of lines) {
    if (line.units <= 0 || line.price <= 0) continue;
    const d = byDay.get(line.day) ?? { units: 0, revenue: 0 };
    d.units += line.units;
    d.revenue += line.units * line.price;
    byDay.set(line.day, d);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({ day, units: d.units, price: d.revenue / d.units }));
}

function distinctPrices(points: PricePoint[]): number {
  return new Set(points.map((p) => Math.round(p.price * 100))).size;
}

/**
 * Log-log regression of daily units on price with a trend and a yearly cycle as controls:
 * ln q = a + e ln p + b t + c sin(2πt) + d cos(2πt). Days without sales are absent, so
 * the estimate describes demand on days the SKU sells.
 */
export function fitOwnElasticity(
  points: PricePoint[],
  minObservations = 12,
): { estimate: number; standardError: number } | null {
  if (points.length < minObservations || distinctPrices(points) < 2) return null;
  const t0 = Date.parse(points[0].day);
  const x: number[][] = [];
  const y: number[] = [];
  for (const p of points) {
    const years = (Date.parse(p.day) - t0) / (365.25 * DAY_MS);
    const angle = 2 * Math.PI * years;
    x.push([Math.log(p.price), years, Math.sin(angle), Math.cos(angle)]);
    y.push(Math.log(p.units));
  }
  const fit = fitOls(x, y);
  if (fit === null) return null;
  const estimate = fit.coefficients[1];
  const standardError = fit.standardErrors[1];
  if (!Number.isFinite(estimate) || !Number.isFinite(standardError) || standardError <= 0) {
    return null;
  }
  return { estimate, standardError };
}

/**
 * The pooled elasticity and the spread between SKUs, by the method of moments over the
 * SKUs' own estimates weighted by their precision. Fits far outside the bulk (more than four
 * robust deviations from the median: two prices on two days can give almost anything) are
 * left out, or a handful of them would make the spread, and so the shrinkage, meaningless.
 */
export function poolEstimates(own: { estimate: number; standardError: number }[]): PooledEstimate {
  const finite = own.filter((o) => Number.isFinite(o.estimate) && o.standardError > 0);
  if (finite.length === 0) return { elasticity: -1, between: 1, skus: 0 };
  const centre = median(finite.map((o) => o.estimate));
  const mad = 1.4826 * median(finite.map((o) => Math.abs(o.estimate - centre)));
  const usable = mad > 0 ? finite.filter((o) => Math.abs(o.estimate - centre) <= 4 * mad) : finite;
  const weights = usable.map((o) => 1 / o.standardError ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = usable.reduce((s, o, i) => s + weights[i] * o.estimate, 0) / total;
  const spread =
    usable.reduce((s, o) => s + (o.estimate - mean) ** 2, 0) / Math.max(1, usable.length - 1);
  const noise = median(usable.map((o) => o.standardError ** 2));
  const between = Math.sqrt(Math.max(0.05, spread - noise));
  return { elasticity: mean, between, skus: usable.length };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The answer for a SKU whose data gives no estimate at all, and why. */
function noEstimate(
  base: Pick<ElasticityEstimate, 'distinctPrices' | 'observations'>,
  reason: string,
): ElasticityEstimate {
  return {
    ...base,
    elasticity: null,
    interval: null,
    own: null,
    credible: false,
    reason,
    method: 'none',
  };
}

/**
 * A SKU's elasticity: its own estimate shrunk toward the pooled one in proportion to how
 * little its own data says, and whether it is credible enough to move a price.
 */
export function estimateElasticity(
  points: PricePoint[],
  pooled: PooledEstimate | undefined,
  options: ElasticityOptions = {},
): ElasticityEstimate {
  const maxWidth = options.maxIntervalWidth ?? 3;
  const prices = distinctPrices(points);
  const base = { distinctPrices: prices, observations: points.length };
  if (prices < 2) {
    return noEstimate(base, prices === 0 ? 'no sales' : 'one price ever: nothing to learn from');
  }
  const own = fitOwnElasticity(points, options.minObservations);
  if (own === null) return noEstimate(base, 'too few days with sales for a regression');

  let value = own.estimate;
  let se = own.standardError;
  let method: ElasticityEstimate['method'] = 'own';
  if (pooled && pooled.skus > 0) {
    const ownPrecision = 1 / se ** 2;
    const priorPrecision = 1 / pooled.between ** 2;
    const precision = ownPrecision + priorPrecision;
    value = (own.estimate * ownPrecision + pooled.elasticity * priorPrecision) / precision;
    se = Math.sqrt(1 / precision);
    method = 'shrunk';
  }
  const interval = { lower: value - Z95 * se, upper: value + Z95 * se };

  // A SKU whose own data says demand clearly rises with price is confounded (promotions,
  // bulk tiers) rather than informative: shrinking it toward the pool would hide that.
  const ownLower = own.estimate - Z95 * own.standardError;
  let reason: string | undefined;
  if (ownLower > 0) reason = 'positive elasticity in its own data: demand rose with price';
  else if (value >= 0) reason = 'positive elasticity: demand would rise with price';
  else if (interval.upper >= 0) reason = 'the interval includes zero';
  else if (interval.upper - interval.lower > maxWidth) reason = 'the interval is too wide';
  return {
    ...base,
    elasticity: value,
    interval,
    own,
    credible: reason === undefined,
    ...(reason === undefined ? {} : { reason }),
    method,
  };
}
