import { SortedSample, weightedQuantile } from './stats';

/**
 * Samples of demand over one protection interval (`cycle`: lead time plus review period) and
 * over its lead-time part (`lead`), each pair starting on the same day, with their weights.
 */
export interface IntervalSamples {
  cycle: number[];
  lead: number[];
  weights: number[];
}

/**
 * Expected units short per review cycle at reorder level s: E[(D(L+R) - s)+] - E[(D(L) - s)+],
 * the units the last day of the interval cannot serve.
 */
export function shortPerCycle(samples: IntervalSamples): (s: number) => number {
  const cycle = new SortedSample(samples.cycle, samples.weights);
  const lead = new SortedSample(samples.lead, samples.weights);
  return (s) => cycle.excess(s) - lead.excess(s);
}

/**
 * The lowest reorder level whose expected units short per review cycle stay within the
 * allowed shortfall. This targets the fill rate (units served), which lumpy wholesale orders
 * pull far from the cycle service level.
 */
export function fillRateLevel(
  cycle: number[],
  lead: number[],
  weights: number[],
  allowedShort: number,
): number {
  const total = weights.reduce((a, w) => a + w, 0);
  if (total <= 0 || cycle.length === 0) return 0;
  const short = shortPerCycle({ cycle, lead, weights });
  let lo = 0;
  let hi = Math.ceil(Math.max(...cycle));
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (short(mid) <= allowedShort) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * What holding one unit for a day costs, counted in lost units: the service level read as the
 * newsvendor critical ratio over the protection interval, SL = p / (p + h × days), so
 * h / p = (1 - SL) / (SL × days). At 0.95 and 8 days a lost sale is worth 152 unit-days.
 */
export function holdingPerLostUnit(serviceLevel: number, protectionDays: number): number {
  return (1 - serviceLevel) / (serviceLevel * Math.max(1, protectionDays));
}

/**
 * The reorder level that minimises expected units lost per day plus the holding price of the
 * level: the last unit is kept only while it saves at least `price` lost units a day. Across
 * many SKUs this gives each unit of stock to the SKU where it serves the most demand, which a
 * fill-rate target per SKU does not: it spends heavily on the rare huge order of a lumpy SKU.
 */
export function economicLevel(samples: IntervalSamples, price: number): number {
  if (samples.cycle.length === 0) return 0;
  const short = shortPerCycle(samples);
  // The objective is piecewise linear between sample values, so its minimum is at one of them.
  const candidates = new Set<number>([0, ...samples.cycle, ...samples.lead]);
  let best = 0;
  let bestCost = short(0);
  for (const s of candidates) {
    const cost = short(s) + price * s;
    if (cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && s < best)) {
      best = s;
      bestCost = cost;
    }
  }
  return best;
}

/**
 * The reorder level for a service level: the fill-rate level (or the plain quantile, when
 * higher), but no unit beyond the economic level, whose cost the service level also sets.
 */
export function reorderLevel(
  samples: IntervalSamples,
  serviceLevel: number,
  reviewDemand: number,
  protectionDays: number,
): number {
  const target = Math.max(
    weightedQuantile(samples.cycle, samples.weights, serviceLevel),
    fillRateLevel(samples.cycle, samples.lead, samples.weights, (1 - serviceLevel) * reviewDemand),
  );
  const economic = economicLevel(samples, holdingPerLostUnit(serviceLevel, protectionDays));
  return Math.min(target, economic);
}
