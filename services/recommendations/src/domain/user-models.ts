import { factorScores, trainAls, type FactorModel } from './als';
import { buildItemNeighbours, buildRules, invertSets, type Neighbours } from './cooccurrence';
import { type TrainingData } from './dataset';
import { popularity } from './popularity';
import { decay, largest, type ScoreMap } from './types';

/** The user-list recommenders a blend combines. */
export const COMPONENTS = [
  'repeat',
  'repeatLong',
  'repeatRecent',
  'repeatRate',
  'repeatInSeason',
  'repeatAlive',
  'repeatLog',
  'itemCf',
  'recentCo',
  'userCf',
  'factors',
  'popular',
  'trending',
] as const;
export type Component = (typeof COMPONENTS)[number];
export type Weights = Record<Component, number>;

export interface UserModelOptions {
  repeatHalfLifeDays: number;
  cfHalfLifeDays: number;
  recentHalfLifeDays: number;
  popularWindowDays: number;
  popularHalfLifeDays: number;
  itemNeighbours: number;
  itemShrink: number;
  itemAlpha: number;
  userNeighbours: number;
  factors: number;
  alsIterations: number;
  /** Users with more distinct items than this are trimmed to their latest ones for training. */
  maxHistory: number;
}

export const DEFAULT_USER_OPTIONS: UserModelOptions = {
  repeatHalfLifeDays: 90,
  cfHalfLifeDays: 60,
  recentHalfLifeDays: 14,
  popularWindowDays: 30,
  popularHalfLifeDays: 14,
  itemNeighbours: 50,
  itemShrink: 5,
  itemAlpha: 0.5,
  userNeighbours: 50,
  factors: 16,
  alsIterations: 4,
  maxHistory: 150,
};

/** One user's interactions as item indexes, oldest first (model history plus live events). */
export interface QueryHistory {
  items: ArrayLike<number>;
  times: ArrayLike<number>;
  weights: ArrayLike<number>;
  baskets: readonly string[];
}

/** Trained user-list recommenders over one snapshot of interactions. */
export class UserModels {
  readonly itemCf: Neighbours;
  readonly coPurchase: Neighbours;
  readonly popular: Float64Array;
  readonly trending: Float64Array;
  /** Per item, the share of its buyers who bought it again in another basket. */
  readonly repeatRate: Float64Array;
  /** Per item, recent popularity relative to its long-run rate, shrunk toward 1. */
  readonly inSeason: Float64Array;
  /** Per item, log of its sales in the last week: discontinued items fade from repeat lists. */
  readonly alive: Float64Array;
  readonly factors: FactorModel | undefined;
  /** The same for every user, so built once: the best 100, scaled. */
  private readonly popularTop: ScoreMap;
  private readonly trendingTop: ScoreMap;
  private readonly userSets: Int32Array[];
  private readonly usersByItem: Int32Array[];
  private readonly itemIdf: Float64Array;

  constructor(
    readonly data: TrainingData,
    readonly options: UserModelOptions,
  ) {
    const nItems = data.items.size;
    this.userSets = data.histories.map((h) => latestDistinct(h.items, options.maxHistory));
    this.itemCf = buildItemNeighbours(this.userSets, nItems, {
      shrink: options.itemShrink,
      neighbours: options.itemNeighbours,
      alpha: options.itemAlpha,
    });
    this.coPurchase = buildRules(data.baskets, nItems, { minCount: 2, minLift: 1, keep: 50 });
    this.popular = popularity(data, {
      windowDays: options.popularWindowDays,
      halfLifeDays: options.popularHalfLifeDays,
    });
    this.trending = popularity(data, { windowDays: 7, halfLifeDays: 3 });
    this.popularTop = scaled(topOf(this.popular, 100));
    this.trendingTop = scaled(topOf(this.trending, 100));
    this.repeatRate = repeatRates(data);
    this.alive = Float64Array.from(this.trending, (t) => Math.log1p(t));
    const longRun = popularity(data, { windowDays: 365, halfLifeDays: 0 });
    this.inSeason = Float64Array.from(
      this.popular,
      (p, i) => (p + 1) / ((longRun[i] * options.popularWindowDays) / 365 + 1),
    );
    this.usersByItem = invertSets(this.userSets, nItems);
    this.itemIdf = Float64Array.from(this.usersByItem, (u) => 1 / Math.log2(2 + u.length));
    this.factors =
      options.factors > 0 && data.histories.length > 0 ? this.trainFactors(nItems) : undefined;
  }

  /** Each component's scores for a user, every map scaled so its best item scores 1. */
  components(
    user: number | undefined,
    history: QueryHistory,
    now: number,
  ): Record<Component, ScoreMap> {
    const o = this.options;
    const repeat: ScoreMap = new Map();
    const repeatLong: ScoreMap = new Map();
    const repeatRecent: ScoreMap = new Map();
    const cfSources: ScoreMap = new Map();
    const recentSources: ScoreMap = new Map();
    const seenBasket = new Set<string>();
    for (let t = 0; t < history.items.length; t++) {
      const item = history.items[t];
      const age = now - history.times[t];
      const key = `${history.baskets[t]}\u0000${item}`;
      if (!seenBasket.has(key)) {
        seenBasket.add(key);
        const w = history.weights[t] / 5;
        bump(repeat, item, w * decay(age, o.repeatHalfLifeDays));
        bump(repeatLong, item, w * decay(age, 365));
        bump(repeatRecent, item, w * decay(age, o.recentHalfLifeDays));
      }
      bump(cfSources, item, decay(age, o.cfHalfLifeDays));
      bump(recentSources, item, decay(age, o.recentHalfLifeDays));
    }
    return {
      repeat: scaled(repeat),
      repeatLong: scaled(repeatLong),
      repeatRecent: scaled(repeatRecent),
      repeatRate: scaled(weighted(repeat, this.repeatRate)),
      repeatInSeason: scaled(weighted(repeatLong, this.inSeason)),
      repeatAlive: scaled(weighted(repeatLong, this.alive)),
      repeatLog: scaled(new Map([...repeatLong].map(([i, v]) => [i, Math.log1p(v)]))),
      itemCf: scaled(spread(cfSources, this.itemCf)),
      recentCo: scaled(spread(recentSources, this.coPurchase)),
      userCf: scaled(this.userCf(user, cfSources)),
      factors: scaled(this.factorMap(user)),
      popular: this.popularTop,
      trending: this.trendingTop,
    };
  }

  /** The most popular items as a score map. */
  popularMap(n: number): ScoreMap {
    return topOf(this.popular, n);
  }

  private userCf(user: number | undefined, sources: ScoreMap): ScoreMap {
    // Dense over users: a buyer of popular items overlaps with thousands of others.
    const overlap = new Float64Array(this.userSets.length);
    const touched: number[] = [];
    for (const item of sources.keys()) {
      const idf = this.itemIdf[item] ?? 0;
      for (const other of this.usersByItem[item] ?? []) {
        if (other === user) continue;
        if (overlap[other] === 0) touched.push(other);
        overlap[other] += idf;
      }
    }
    const size = Math.sqrt(Math.max(1, sources.size));
    for (const v of touched) overlap[v] /= size * Math.sqrt(this.userSets[v].length);
    const out: ScoreMap = new Map();
    for (const v of largest(overlap, this.options.userNeighbours, touched)) {
      for (const item of this.userSets[v]) bump(out, item, overlap[v]);
    }
    return out;
  }

  private factorMap(user: number | undefined): ScoreMap {
    const out: ScoreMap = new Map();
    if (this.factors === undefined || user === undefined || user >= this.data.histories.length) {
      return out;
    }
    const scores = factorScores(this.factors, user);
    for (const i of largest(scores, 100)) out.set(i, scores[i]);
    return out;
  }

  private trainFactors(nItems: number): FactorModel {
    const cols: Int32Array[] = [];
    const vals: Float32Array[] = [];
    this.data.histories.forEach((h, u) => {
      const strength = new Map<number, number>();
      for (let t = 0; t < h.items.length; t++) bump(strength, h.items[t], h.weights[t] / 5);
      cols[u] = Int32Array.from(strength.keys());
      vals[u] = Float32Array.from(strength.values(), (v) => Math.log1p(v));
    });
    return trainAls({ cols, vals }, nItems, {
      factors: this.options.factors,
      iterations: this.options.alsIterations,
      regularization: 0.1,
      alpha: 20,
      seed: 7,
    });
  }
}

/** The `n` largest entries of a dense score array. */
export function topOf(values: ArrayLike<number>, n: number): ScoreMap {
  return new Map(largest(values, n).map((i) => [i, values[i]]));
}

function weighted(map: ScoreMap, by: Float64Array): ScoreMap {
  const out: ScoreMap = new Map();
  for (const [k, v] of map) out.set(k, v * (by[k] ?? 0));
  return out;
}

function repeatRates(data: TrainingData): Float64Array {
  const buyers = new Float64Array(data.items.size);
  const again = new Float64Array(data.items.size);
  for (const h of data.histories) {
    const baskets = new Map<number, Set<string>>();
    for (let t = 0; t < h.items.length; t++) {
      let set = baskets.get(h.items[t]);
      if (set === undefined) baskets.set(h.items[t], (set = new Set()));
      set.add(h.baskets[t]);
    }
    for (const [item, set] of baskets) {
      buyers[item]++;
      if (set.size > 1) again[item]++;
    }
  }
  // Smoothed toward a prior so items with few buyers do not swing to 0 or 1.
  return Float64Array.from(buyers, (b, i) => (again[i] + 1) / (b + 4));
}

function latestDistinct(items: Int32Array, max: number): Int32Array {
  const out: number[] = [];
  const seen = new Set<number>();
  for (let t = items.length - 1; t >= 0 && out.length < max; t--) {
    if (!seen.has(items[t])) {
      seen.add(items[t]);
      out.push(items[t]);
    }
  }
  return Int32Array.from(out);
}

function bump(map: ScoreMap, key: number, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Sums neighbour scores over weighted source items. */
export function spread(sources: ScoreMap, neighbours: Neighbours): ScoreMap {
  const out: ScoreMap = new Map();
  for (const [item, w] of sources) {
    const items = neighbours.items[item];
    if (items === undefined) continue;
    const scores = neighbours.scores[item];
    for (let n = 0; n < items.length; n++) bump(out, items[n], w * scores[n]);
  }
  return out;
}

/** The map divided by its largest value. */
export function scaled(map: ScoreMap): ScoreMap {
  let max = 0;
  for (const v of map.values()) if (v > max) max = v;
  if (!(max > 0)) return new Map();
  const out: ScoreMap = new Map();
  for (const [k, v] of map) out.set(k, v / max);
  return out;
}

/**
 * Weighted sum of component scores, with the group of components (a recommender, such as the
 * several repeat-purchase scores) that contributed most per item.
 */
export function blend<G extends string>(
  parts: Record<Component, ScoreMap>,
  weights: Weights,
  groupOf: Record<Component, G>,
): Map<number, { score: number; top: G }> {
  // Components of one group are visited one after another, so each item keeps one running
  // group sum instead of a sum per group.
  const groups = [...new Set(COMPONENTS.map((c) => groupOf[c]))];
  const order = groups.flatMap((g) => COMPONENTS.filter((c) => groupOf[c] === g));
  const out = new Map<number, { score: number; top: G; group: G; sum: number; best: number }>();
  for (const c of order) {
    const w = weights[c];
    if (!(w > 0)) continue;
    const group = groupOf[c];
    for (const [item, v] of parts[c]) {
      const contribution = w * v;
      let entry = out.get(item);
      if (entry === undefined) {
        entry = { score: 0, top: group, group, sum: 0, best: -Infinity };
        out.set(item, entry);
      }
      if (entry.group !== group) {
        entry.group = group;
        entry.sum = 0;
      }
      entry.score += contribution;
      entry.sum += contribution;
      if (entry.sum > entry.best) {
        entry.best = entry.sum;
        entry.top = group;
      }
    }
  }
  return out;
}
