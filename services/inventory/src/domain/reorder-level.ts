import { SortedSample } from './stats';

/**
 * Samples of demand over one protection interval (`cycle`: lead time plus review period) and
 * over its lead-time part (`lead`), each pair starting on the same day, with their weights.
 */
export interface IntervalSamples {
  cycle: number[];
  lead: number[];
  weights: number[];
}

/** The interval samples sorted once for the searches below. */
class ShortCurve {
  readonly cycle: SortedSample;
  readonly lead: SortedSample;

  constructor(samples: IntervalSamples) {
    this.cycle = new SortedSample(samples.cycle, samples.weights);
    this.lead = new SortedSample(samples.lead, samples.weights);
  }

  /**
   * Expected units short per review cycle at reorder level s:
   * E[(D(L+R) - s)+] - E[(D(L) - s)+], the units the last day of the interval cannot serve.
   */
  at(s: number): number {
    return this.cycle.excess(s) - this.lead.excess(s);
  }

  /** The lowest level whose expected units short per cycle stay within `allowed`. */
  fillLevel(allowed: number): number {
    if (this.cycle.size === 0 || !(this.cycle.total > 0)) return 0;
    // Bisection over safe integers: each step moves `lo` or `hi`, so it ends within 53 steps
    // whatever the samples (above 2^53, `mid + 1` would equal `mid` and never move).
    let lo = 0;
    let hi = Math.min(Math.ceil(this.cycle.at(this.cycle.size - 1)), Number.MAX_SAFE_INTEGER);
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.at(mid) <= allowed) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * The level minimising units short per cycle plus `price` per unit of level. The objective
   * is piecewise linear between sample values, so its minimum is at one of them (or 0).
   */
  economicLevel(price: number): number {
    let best = 0;
    let bestCost = this.at(0);
    for (const sample of [this.cycle, this.lead]) {
      for (let k = 0; k < sample.size; k++) {
        const s = sample.at(k);
        if (k > 0 && s === sample.at(k - 1)) continue;
        const cost = this.at(s) + price * s;
        if (cost < bestCost - 1e-12 || (Math.abs(cost - bestCost) <= 1e-12 && s < best)) {
          best = s;
          bestCost = cost;
        }
      }
    }
    return best;
  }
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
  return new ShortCurve({ cycle, lead, weights }).fillLevel(allowedShort);
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
  return new ShortCurve(samples).economicLevel(price);
}

/**
 * The reorder level for a service level: the fill-rate level (or the plain quantile, when
 * higher), but no unit beyond the economic level, whose price the service level also sets.
 */
export function reorderLevel(
  samples: IntervalSamples,
  serviceLevel: number,
  reviewDemand: number,
  protectionDays: number,
): number {
  const curve = new ShortCurve(samples);
  const target = Math.max(
    curve.cycle.quantile(serviceLevel),
    curve.fillLevel((1 - serviceLevel) * reviewDemand),
  );
  return Math.min(target, curve.economicLevel(holdingPerLostUnit(serviceLevel, protectionDays)));
}
