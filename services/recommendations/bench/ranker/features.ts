import { type TrainingData } from '../../src/domain/dataset';
import { type Reason, DAY_MS, topN } from '../../src/domain/types';
import {
  type Component,
  COMPONENTS,
  type QueryHistory,
  type UserModels,
} from '../../src/domain/user-models';

/**
 * What the ranker knows about a (user, candidate item) pair: the user's own purchases of the
 * item (how often, how lately, the user's cycle for it), the item's sales (popularity, trend,
 * how often its buyers come back for it) and what each recommender of the blend thinks of it
 * for this user. Features of the user alone (basket count, days since the last one) are left
 * out: they do not order one user's candidates, and trees trained with them did worse.
 */
export const RANK_FEATURES = [
  'ownBaskets',
  'ownDecay14',
  'ownDecay90',
  'ownDecay365',
  'ownShare',
  'ownDaysSinceLast',
  'ownDaysSinceFirst',
  'ownMeanGap',
  'ownCycle',
  'ownBasketsAgo',
  'itemPop7',
  'itemPop30',
  'itemPop90',
  'itemTrend',
  'itemBuyers90',
  'itemRepeatRate',
  'itemDaysSinceSold',
  'itemDaysSinceFirstSold',
  ...COMPONENTS,
] as const;
export type RankFeature = (typeof RANK_FEATURES)[number];
const D = RANK_FEATURES.length;
const COL = Object.fromEntries(RANK_FEATURES.map((f, i) => [f, i])) as Record<RankFeature, number>;

/** Stands for "never" in day counts: further back than any history. */
const NEVER = 9999;

/** Day counts are capped here: the start of the data is not the start of anyone's history. */
const HORIZON_DAYS = 180;

/**
 * Per-item sales figures at the time a snapshot's data ends. Sales are shares of all baskets
 * (per thousand) in the same days, so the figures mean the same in a quiet month and a busy
 * one: a ranker trained on one month is applied to the next.
 */
export class ItemFigures {
  readonly pop7: Float32Array;
  readonly pop30: Float32Array;
  readonly pop90: Float32Array;
  /** Share of the users active in the last 90 days who bought the item in them. */
  readonly buyers90: Float32Array;
  readonly firstSold: Float64Array;
  readonly lastSold: Float64Array;

  constructor(data: TrainingData) {
    const n = data.items.size;
    this.pop7 = new Float32Array(n);
    this.pop30 = new Float32Array(n);
    this.pop90 = new Float32Array(n);
    this.firstSold = new Float64Array(n).fill(Infinity);
    this.lastSold = new Float64Array(n).fill(-Infinity);
    const totals = [0, 0, 0];
    data.baskets.forEach((basket, b) => {
      const at = data.basketTimes[b];
      const age = data.now - at;
      const windows = [age <= 7 * DAY_MS, age <= 30 * DAY_MS, age <= 90 * DAY_MS];
      windows.forEach((inside, w) => inside && totals[w]++);
      for (const item of basket) {
        if (windows[0]) this.pop7[item]++;
        if (windows[1]) this.pop30[item]++;
        if (windows[2]) this.pop90[item]++;
        if (at < this.firstSold[item]) this.firstSold[item] = at;
        if (at > this.lastSold[item]) this.lastSold[item] = at;
      }
    });
    const share = (counts: Float32Array, total: number): void => {
      for (let i = 0; i < n; i++) counts[i] = (1000 * counts[i]) / Math.max(1, total);
    };
    share(this.pop7, totals[0]);
    share(this.pop30, totals[1]);
    share(this.pop90, totals[2]);

    this.buyers90 = new Float32Array(n);
    let active = 0;
    const from = data.now - 90 * DAY_MS;
    for (const h of data.histories) {
      const recent = new Set<number>();
      for (let t = 0; t < h.items.length; t++) if (h.times[t] >= from) recent.add(h.items[t]);
      if (recent.size > 0) active++;
      for (const item of recent) this.buyers90[item]++;
    }
    share(this.buyers90, active);
  }
}

/** A user's candidates, one row of `RANK_FEATURES` each, and where each candidate came from. */
export interface Candidates {
  items: Int32Array;
  x: Float32Array;
  reasons: Reason[];
}

export interface CandidateLimits {
  /** The user's own items kept, the most bought (365-day decay) first. */
  own: number;
  /** Items taken from each collaborative and popularity list. */
  perSource: number;
}

export const DEFAULT_CANDIDATE_LIMITS: CandidateLimits = { own: 300, perSource: 30 };

/** The lists other than the user's own that add candidates. */
const SOURCES: [Component, Reason][] = [
  ['itemCf', 'item-cf'],
  ['recentCo', 'recent-co-purchase'],
  ['userCf', 'user-cf'],
  ['factors', 'latent-factors'],
  ['trending', 'trending'],
  ['popular', 'popular'],
];

interface Own {
  baskets: number;
  decay14: number;
  decay90: number;
  decay365: number;
  first: number;
  last: number;
  lastBasket: number;
}

const days = (ms: number): number => ms / DAY_MS;

/** What candidates are drawn from: the trained user models and the item figures. */
export interface RankContext {
  models: UserModels;
  figures: ItemFigures;
}

/** The candidates of one user at `now` with their features. */
export function rankCandidates(
  { models, figures }: RankContext,
  user: number | undefined,
  history: QueryHistory,
  now: number,
  limits: CandidateLimits = DEFAULT_CANDIDATE_LIMITS,
): Candidates {
  // Each (basket, item) counts once, weighted by its kind (a purchase 1, a view 0.2).
  const own = new Map<number, Own>();
  const basketIndex = new Map<string, number>();
  const basketTimes: number[] = [];
  const seen = new Set<string>();
  for (let t = 0; t < history.items.length; t++) {
    const item = history.items[t];
    const at = history.times[t];
    let b = basketIndex.get(history.baskets[t]);
    if (b === undefined) {
      b = basketTimes.length;
      basketIndex.set(history.baskets[t], b);
      basketTimes.push(at);
    }
    const key = `${b}:${item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const w = history.weights[t] / 5;
    const age = now - at;
    let o = own.get(item);
    if (o === undefined) {
      o = { baskets: 0, decay14: 0, decay90: 0, decay365: 0, first: at, last: at, lastBasket: b };
      own.set(item, o);
    }
    o.baskets += w;
    o.decay14 += w * Math.pow(0.5, days(age) / 14);
    o.decay90 += w * Math.pow(0.5, days(age) / 90);
    o.decay365 += w * Math.pow(0.5, days(age) / 365);
    o.first = Math.min(o.first, at);
    o.last = Math.max(o.last, at);
    o.lastBasket = Math.max(o.lastBasket, b);
  }
  const nBaskets = basketTimes.length;

  const parts = models.components(user, history, now);
  const chosen = new Map<number, Reason>();
  const ownOrder = [...own].sort((a, b) => b[1].decay365 - a[1].decay365 || a[0] - b[0]);
  for (const [item] of ownOrder.slice(0, limits.own)) chosen.set(item, 'repeat-purchase');
  for (const [component, reason] of SOURCES) {
    for (const [item] of topN(parts[component], limits.perSource)) {
      if (!chosen.has(item)) chosen.set(item, reason);
    }
  }

  const items = Int32Array.from(chosen.keys());
  const x = new Float32Array(items.length * D);
  const nowDays = days(now);
  items.forEach((item, r) => {
    const row = r * D;
    const set = (f: RankFeature, v: number): void => {
      x[row + COL[f]] = v;
    };
    const o = own.get(item);
    if (o !== undefined) {
      const gap = o.baskets > 1 ? days(o.last - o.first) / (o.baskets - 1) : -1;
      set('ownBaskets', o.baskets);
      set('ownDecay14', o.decay14);
      set('ownDecay90', o.decay90);
      set('ownDecay365', o.decay365);
      set('ownShare', o.baskets / nBaskets);
      set('ownDaysSinceLast', days(now - o.last));
      set('ownDaysSinceFirst', Math.min(HORIZON_DAYS, days(now - o.first)));
      set('ownMeanGap', gap);
      set('ownCycle', gap > 0 ? days(now - o.last) / gap : -1);
      set('ownBasketsAgo', nBaskets - 1 - o.lastBasket);
    } else {
      set('ownDaysSinceLast', NEVER);
      set('ownDaysSinceFirst', HORIZON_DAYS);
      set('ownMeanGap', -1);
      set('ownCycle', -1);
      set('ownBasketsAgo', -1);
    }
    const sold = figures.lastSold[item] ?? -Infinity;
    const firstSold = figures.firstSold[item] ?? Infinity;
    set('itemPop7', figures.pop7[item] ?? 0);
    set('itemPop30', figures.pop30[item] ?? 0);
    set('itemPop90', figures.pop90[item] ?? 0);
    set('itemTrend', ((figures.pop7[item] ?? 0) + 1) / ((figures.pop30[item] ?? 0) + 1));
    set('itemBuyers90', figures.buyers90[item] ?? 0);
    set('itemRepeatRate', models.repeatRate[item] ?? 0);
    set('itemDaysSinceSold', Number.isFinite(sold) ? nowDays - days(sold) : NEVER);
    set(
      'itemDaysSinceFirstSold',
      Number.isFinite(firstSold) ? Math.min(HORIZON_DAYS, nowDays - days(firstSold)) : 0,
    );
    for (const component of COMPONENTS) set(component, parts[component].get(item) ?? 0);
  });
  return { items, x, reasons: [...chosen.values()] };
}
