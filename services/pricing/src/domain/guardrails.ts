/** Endings a recommended price may be snapped to. */
export type PriceEnding = '.99' | '.95' | 'none';

/** The limits a recommendation must respect, per SKU or per category. */
export interface Guardrails {
  floor?: number;
  ceiling?: number;
  /** Lowest margin allowed, as a percentage of the price (0 ≤ x < 100). */
  minMarginPct?: number;
  /** Largest move of one recommendation, as a percentage of the current price. */
  maxChangePct: number;
  /** Minimum advertised price agreed with the brand. */
  minAdvertisedPrice?: number;
  priceEnding: PriceEnding;
  /** At most this many percent above the lowest competitor price. */
  competitorMaxAbovePct?: number;
  /** Stock covering more days of demand than this is excess: a markdown is allowed. */
  excessCoverDays: number;
  /** Stock covering fewer days than this is low: no discount. */
  lowCoverDays: number;
}

export const DEFAULT_GUARDRAILS: Guardrails = {
  maxChangePct: 10,
  priceEnding: 'none',
  excessCoverDays: 120,
  lowCoverDays: 14,
};

/** A problem with a set of guardrails, naming the field at fault. */
export interface GuardrailProblem {
  field: keyof Guardrails;
  message: string;
}

/** The first problem of a (possibly partial) set of guardrails, if any. */
export function checkGuardrails(g: Partial<Guardrails>): GuardrailProblem | undefined {
  const positive: (keyof Guardrails)[] = ['floor', 'ceiling', 'minAdvertisedPrice'];
  for (const field of positive) {
    const v = g[field];
    if (typeof v === 'number' && !(v > 0)) return { field, message: `${field} must be above 0` };
  }
  if (g.floor !== undefined && g.ceiling !== undefined && g.floor > g.ceiling) {
    return { field: 'floor', message: 'floor is above the ceiling' };
  }
  if (g.minAdvertisedPrice !== undefined && g.ceiling !== undefined) {
    if (g.minAdvertisedPrice > g.ceiling) {
      return { field: 'minAdvertisedPrice', message: 'minAdvertisedPrice is above the ceiling' };
    }
  }
  if (g.minMarginPct !== undefined && !(g.minMarginPct >= 0 && g.minMarginPct < 100)) {
    return { field: 'minMarginPct', message: 'minMarginPct must be at least 0 and below 100' };
  }
  if (g.maxChangePct !== undefined && !(g.maxChangePct > 0 && g.maxChangePct < 100)) {
    return { field: 'maxChangePct', message: 'maxChangePct must be above 0 and below 100' };
  }
  if (g.lowCoverDays !== undefined && g.excessCoverDays !== undefined) {
    if (g.lowCoverDays >= g.excessCoverDays) {
      return { field: 'lowCoverDays', message: 'lowCoverDays must be below excessCoverDays' };
    }
  }
  return undefined;
}

/** Defaults, then category guardrails, then SKU guardrails: the most specific wins per field. */
export function mergeGuardrails(...layers: (Partial<Guardrails> | undefined)[]): Guardrails {
  const out: Guardrails = { ...DEFAULT_GUARDRAILS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined && value !== null) Object.assign(out, { [key]: value });
    }
  }
  return out;
}

/** Whether two sets of guardrails hold the same rules, whatever the order of their fields. */
export function sameGuardrails(a: Partial<Guardrails>, b: Partial<Guardrails>): boolean {
  const canonical = (g: Partial<Guardrails>) =>
    JSON.stringify(
      Object.entries(g)
        .filter(([, v]) => v !== undefined && v !== null)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    );
  return canonical(a) === canonical(b);
}
