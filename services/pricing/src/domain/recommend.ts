import { unitsAt } from './demand';
import type { Guardrails } from './guardrails';

export type Objective = 'revenue' | 'margin';

/** Names used in `boundBy` and `conflicts`. */
export type GuardrailName =
  | 'floor'
  | 'minAdvertisedPrice'
  | 'minMargin'
  | 'maxChange'
  | 'inventory'
  | 'ceiling'
  | 'competitor'
  | 'priceEnding'
  | 'elasticity';

export type StockState = 'excess' | 'low' | 'normal' | 'unknown';

export interface RecommendInput {
  currentPrice: number;
  /** Expected daily units at the current price. */
  baseUnits: number;
  unitCost: number;
  elasticity: { value: number | null; credible: boolean; reason?: string };
  objective: Objective;
  guardrails: Guardrails;
  lowestCompetitorPrice?: number;
  /** Units on hand, when the inventory service answered. */
  onHand?: number;
}

export interface Recommendation {
  currentPrice: number;
  recommendedPrice: number;
  changePct: number;
  expectedUnits: number;
  expectedRevenue: number;
  expectedMargin: number;
  /** The guardrails the recommended price sits against. */
  boundBy: GuardrailName[];
  /** Guardrails that could not all hold: the first one gave way to the others. */
  conflicts: { guardrail: GuardrailName; overriddenBy: GuardrailName[] }[];
  stock: StockState;
  daysOfCover: number | null;
  notes: string[];
}

interface Limit {
  name: GuardrailName;
  lo: number;
  hi: number;
}

const EPS = 1e-9;

/** Prices move in cents, or in hundredths of a cent below 10p (the data has 0.001 prices). */
export function priceTick(currentPrice: number): number {
  return currentPrice >= 0.1 ? 0.01 : 0.0001;
}
const steps = (tick: number) => Math.round(1 / tick);
const upTo = (x: number, tick: number) => Math.ceil(x * steps(tick) - 1e-6) / steps(tick);
const downTo = (x: number, tick: number) => Math.floor(x * steps(tick) + 1e-6) / steps(tick);
const nearest = (x: number, tick: number) => Math.round(x * steps(tick)) / steps(tick);

/** Lower limits that always hold, whatever else they conflict with. */
function hardLimits(g: Guardrails, unitCost: number): Limit[] {
  const limits: Limit[] = [];
  if (g.floor !== undefined) limits.push({ name: 'floor', lo: g.floor, hi: Infinity });
  if (g.minAdvertisedPrice !== undefined) {
    limits.push({ name: 'minAdvertisedPrice', lo: g.minAdvertisedPrice, hi: Infinity });
  }
  if (g.minMarginPct !== undefined && unitCost > 0) {
    limits.push({ name: 'minMargin', lo: unitCost / (1 - g.minMarginPct / 100), hi: Infinity });
  }
  return limits;
}

/** Limits that hold unless a hard limit (or one earlier in this list) rules them out. */
function softLimits(input: RecommendInput, stock: StockState): Limit[] {
  const { currentPrice: p0, guardrails: g } = input;
  const step = g.maxChangePct / 100;
  const limits: Limit[] = [{ name: 'maxChange', lo: p0 * (1 - step), hi: p0 * (1 + step) }];
  if (stock === 'low') limits.push({ name: 'inventory', lo: p0, hi: Infinity });
  if (g.ceiling !== undefined) limits.push({ name: 'ceiling', lo: 0, hi: g.ceiling });
  if (g.competitorMaxAbovePct !== undefined && input.lowestCompetitorPrice !== undefined) {
    const cap = input.lowestCompetitorPrice * (1 + g.competitorMaxAbovePct / 100);
    limits.push({ name: 'competitor', lo: 0, hi: cap });
  }
  return limits;
}

/**
 * Intersects the limits: hard ones first, then soft ones in order. A soft limit that cannot
 * be met is met as nearly as the others allow, and reported as a conflict.
 */
function feasibleRange(hard: Limit[], soft: Limit[], tick: number) {
  // Limits are rounded to whole ticks first (lower ones up, upper ones down), so a range
  // that only rounding empties shows up as the conflict it is.
  const round = (l: Limit): Limit => ({ ...l, lo: upTo(l.lo, tick), hi: downTo(l.hi, tick) });
  hard = hard.map(round);
  soft = soft.map(round);
  let lo = 0;
  let hi = Infinity;
  let loBy: GuardrailName[] = [];
  let hiBy: GuardrailName[] = [];
  for (const l of hard) {
    if (l.lo > lo) [lo, loBy] = [l.lo, [l.name]];
  }
  const conflicts: Recommendation['conflicts'] = [];
  for (const l of soft) {
    if (l.hi < lo - EPS) {
      conflicts.push({ guardrail: l.name, overriddenBy: loBy });
      hi = lo;
      hiBy = loBy;
      continue;
    }
    if (l.lo > hi + EPS) {
      conflicts.push({ guardrail: l.name, overriddenBy: hiBy });
      lo = hi;
      loBy = hiBy;
      continue;
    }
    if (l.lo > lo) [lo, loBy] = [l.lo, [l.name]];
    if (l.hi < hi) [hi, hiBy] = [l.hi, [l.name]];
  }
  const floorTick = Math.max(tick, lo);
  return { lo: floorTick, hi: Math.max(hi, floorTick), conflicts };
}

function stockState(input: RecommendInput): { stock: StockState; cover: number | null } {
  if (input.onHand === undefined) return { stock: 'unknown', cover: null };
  if (input.baseUnits <= 0) return { stock: input.onHand > 0 ? 'excess' : 'low', cover: null };
  const cover = input.onHand / input.baseUnits;
  const g = input.guardrails;
  const stock = cover > g.excessCoverDays ? 'excess' : cover < g.lowCoverDays ? 'low' : 'normal';
  return { stock, cover };
}

/** The price the objective prefers with no limits (0 or Infinity for a corner). */
function preferredPrice(e: number, objective: Objective, unitCost: number, p0: number): number {
  const cost = objective === 'margin' ? unitCost : 0;
  if (e < -1) return cost > 0 ? (cost * e) / (1 + e) : 0;
  if (e > -1) return Infinity;
  return cost > 0 ? Infinity : p0;
}

/** Objective value per day at a price. */
function score(input: RecommendInput, e: number, price: number): number {
  const base = { price: input.currentPrice, units: input.baseUnits };
  const units = unitsAt(price, base, e);
  const cost = input.objective === 'margin' ? input.unitCost : 0;
  return (price - cost) * units;
}

/** Prices with the wanted ending near `price`, inside [lo, hi]. */
function endingCandidates(price: number, ending: '.99' | '.95', lo: number, hi: number) {
  const cents = ending === '.99' ? 0.99 : 0.95;
  const whole = Math.floor(price);
  const out: number[] = [];
  for (let n = whole - 1; n <= whole + 1; n++) {
    const p = Math.round((n + cents) * 100) / 100;
    if (p > 0 && p >= lo - EPS && p <= hi + EPS) out.push(p);
  }
  return out;
}

/**
 * The price to propose for one SKU: the objective's best price under constant-elasticity
 * demand, inside the guardrails. An elasticity that is not credible moves nothing; then only
 * the guardrails can move the price.
 */
export function recommendPrice(input: RecommendInput): Recommendation {
  const p0 = input.currentPrice;
  const g = input.guardrails;
  const notes: string[] = [];
  const { stock, cover } = stockState(input);
  const hard = hardLimits(g, input.unitCost);
  const soft = softLimits(input, stock);
  const tick = priceTick(p0);
  const range = feasibleRange(hard, soft, tick);
  const e = input.elasticity.credible ? input.elasticity.value : null;

  let target = p0;
  let clearance = false;
  if (e === null) {
    notes.push(`elasticity not used: ${input.elasticity.reason ?? 'not credible'}`);
  } else {
    target = preferredPrice(e, input.objective, input.unitCost, p0);
    if (stock === 'excess') {
      // Sell down to the excess threshold: the price at which daily units would do so.
      const wanted = (input.onHand ?? 0) / g.excessCoverDays;
      const clear = input.baseUnits > 0 ? p0 * (wanted / input.baseUnits) ** (1 / e) : 0;
      if (clear < target) [target, clearance] = [clear, true];
    }
  }

  let price = nearest(Math.min(Math.max(target, range.lo), range.hi), tick);
  if (Math.abs(price - p0) < tick / 2 && price >= range.lo && price <= range.hi) price = p0;

  const boundBy: GuardrailName[] = [];
  if (e === null) boundBy.push('elasticity');
  for (const l of [...hard, ...soft]) {
    const atLo = target < l.lo - EPS && price <= upTo(l.lo, tick) + tick / 2;
    const atHi = target > l.hi + EPS && price >= downTo(l.hi, tick) - tick / 2;
    if (atLo || atHi) boundBy.push(l.name);
  }
  if (clearance && price < p0 && !boundBy.includes('inventory')) {
    boundBy.push('inventory');
    notes.push('excess stock: marked down toward the price that clears it');
  }
  for (const c of range.conflicts) {
    notes.push(`${c.guardrail} gave way to ${c.overriddenBy.join(', ') || 'other guardrails'}`);
  }

  if (price !== p0 && g.priceEnding !== 'none') {
    const options = endingCandidates(price, g.priceEnding, range.lo, range.hi);
    if (options.length === 0) {
      notes.push(`no price ending in ${g.priceEnding} fits the other guardrails`);
    } else {
      const rank = (p: number) => (e === null ? -Math.abs(p - price) : score(input, e, p));
      const best = options.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      if (best !== price) boundBy.push('priceEnding');
      price = best;
    }
  }

  const units = unitsAt(price, { price: p0, units: input.baseUnits }, e ?? 0);
  return {
    currentPrice: p0,
    recommendedPrice: price,
    changePct: ((price - p0) / p0) * 100,
    expectedUnits: units,
    expectedRevenue: units * price,
    expectedMargin: units * (price - input.unitCost),
    boundBy,
    conflicts: range.conflicts,
    stock,
    daysOfCover: cover,
    notes,
  };
}
