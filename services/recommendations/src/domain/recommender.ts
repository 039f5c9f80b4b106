import { type Neighbours } from './cooccurrence';
import { ContentIndex } from './content';
import { buildTrainingData, type TrainingData } from './dataset';
import { popularity } from './popularity';
import { DEFAULT_SESSION_OPTIONS, SessionModel, type SessionOptions } from './session';
import {
  type Interaction,
  type InteractionKind,
  type ProductInfo,
  type Reason,
  type Recommendation,
  type ScoreMap,
} from './types';
import {
  blend,
  type Component,
  DEFAULT_USER_OPTIONS,
  scaled,
  spread,
  topOf,
  UserModels,
  type UserModelOptions,
  type Weights,
} from './user-models';

/**
 * Blend weights tuned on a validation window of Online Retail, the 28 days before the window
 * `pnpm bench:recs` reports (it prints the weights it finds); the service uses them until it
 * tunes on its own data.
 */
export const DEFAULT_WEIGHTS: Weights = {
  repeat: 1,
  repeatLong: 1.5,
  repeatRecent: 0,
  repeatRate: 0.3,
  repeatInSeason: 1,
  repeatAlive: 2,
  repeatLog: 0,
  itemCf: 0.2,
  recentCo: 0.2,
  userCf: 0.05,
  factors: 0.5,
  popular: 0.02,
  trending: 0.05,
};

export const TUNED_SESSION_OPTIONS: SessionOptions = {
  ...DEFAULT_SESSION_OPTIONS,
  neighbours: 500,
  sample: 1000,
  successorWeight: 0.5,
  lookahead: 2,
  lengthPenalty: 0.5,
  idfWeight: 0.5,
};

/** The reason each blend component gives on a list. */
export const COMPONENT_REASONS: Record<Component, Reason> = {
  repeat: 'repeat-purchase',
  repeatLong: 'repeat-purchase',
  repeatRecent: 'repeat-purchase',
  repeatRate: 'repeat-purchase',
  repeatInSeason: 'repeat-purchase',
  repeatAlive: 'repeat-purchase',
  repeatLog: 'repeat-purchase',
  itemCf: 'item-cf',
  recentCo: 'recent-co-purchase',
  userCf: 'user-cf',
  factors: 'latent-factors',
  popular: 'popular',
  trending: 'trending',
};

/** Every trained model over one snapshot of interactions and the product catalogue. */
export interface Snapshot {
  data: TrainingData;
  users: UserModels;
  sessions: SessionModel;
  content: ContentIndex;
  rules: Neighbours;
  categories: string[];
  weights: Weights;
  builtAt: number;
  popularByWindow: Map<number, ScoreMap>;
}

export interface SnapshotOptions {
  user?: Partial<UserModelOptions>;
  session?: SessionOptions;
  weights?: Weights;
}

/** Trains every model. Empty input gives a snapshot that answers with empty popularity. */
export function buildSnapshot(
  interactions: readonly Interaction[],
  products: readonly ProductInfo[],
  options: SnapshotOptions = {},
): Snapshot {
  const data = buildTrainingData(
    interactions,
    products.map((p) => p.itemId),
  );
  const users = new UserModels(data, { ...DEFAULT_USER_OPTIONS, ...options.user });
  const texts: string[] = new Array<string>(data.items.size).fill('');
  const categories: string[] = new Array<string>(data.items.size).fill('');
  for (const p of products) {
    const i = data.items.get(p.itemId);
    if (i === undefined) continue;
    texts[i] = `${p.title} ${p.description}`;
    categories[i] = p.category;
  }
  return {
    data,
    users,
    sessions: new SessionModel(
      data.sequences,
      data.basketTimes,
      data.items.size,
      options.session ?? TUNED_SESSION_OPTIONS,
    ),
    content: new ContentIndex(texts),
    rules: users.coPurchase,
    categories,
    weights: options.weights ?? DEFAULT_WEIGHTS,
    builtAt: Date.now(),
    popularByWindow: new Map(),
  };
}

/** An interaction that arrived after the snapshot was built. */
export interface LiveEvent {
  itemId: string;
  kind: InteractionKind;
  at: number;
  basketId: string;
}

export interface ListOptions {
  limit: number;
  category?: string;
  exclude?: readonly string[];
  excludePurchased?: boolean;
}

export interface RecommendationList {
  strategy: string;
  items: Recommendation[];
}

const KIND_WEIGHT: Record<InteractionKind, number> = { view: 1, cart: 3, purchase: 5 };

/** A popularity window longer than any history a snapshot is trained on. */
const ALL_HISTORY_DAYS = 36_500;

/** Popularity over the last `windowDays` (decayed with half the window as half-life). */
export function popularScores(snapshot: Snapshot, windowDays: number): ScoreMap {
  let scores = snapshot.popularByWindow.get(windowDays);
  if (scores === undefined) {
    const dense = popularity(snapshot.data, { windowDays, halfLifeDays: windowDays / 2 });
    scores = topOf(dense, 500);
    snapshot.popularByWindow.set(windowDays, scores);
  }
  return scores;
}

/** Ranks, filters and fills a list; popular items fill whatever the scores leave empty. */
function finish(
  snapshot: Snapshot,
  scored: [number, number, Reason][],
  options: ListOptions,
  skip: Set<number>,
  skipIds: Set<string>,
): Recommendation[] {
  const ids = snapshot.data.items.ids;
  const allowed = (i: number): boolean =>
    !skip.has(i) &&
    !skipIds.has(ids[i]) &&
    (options.category === undefined || snapshot.categories[i] === options.category);
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const out: Recommendation[] = [];
  const taken = new Set<number>();
  for (const [item, score, reason] of scored) {
    if (out.length >= options.limit) break;
    if (!allowed(item) || taken.has(item)) continue;
    taken.add(item);
    out.push({ itemId: ids[item], score: round(score), reason });
  }
  // Popular items of the last 30 days fill the list, then those of all the history kept, for
  // a month may hold fewer items than asked (a shop's first live event after a long replay).
  for (const windowDays of [30, ALL_HISTORY_DAYS]) {
    if (out.length >= options.limit) break;
    const popular = [...popularScores(snapshot, windowDays)].sort(
      (a, b) => b[1] - a[1] || a[0] - b[0],
    );
    const top = popular.length > 0 ? popular[0][1] : 1;
    // Below every item already listed, so fillers never outrank a recommender's choice.
    const floor = out.length > 0 ? out[out.length - 1].score : 1;
    for (const [item, score] of popular) {
      if (out.length >= options.limit) break;
      if (!allowed(item) || taken.has(item)) continue;
      taken.add(item);
      out.push({ itemId: ids[item], score: round((floor * 0.5 * score) / top), reason: 'popular' });
    }
  }
  return out;
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : 0;
}

function fromMap(map: ScoreMap, reason: Reason): [number, number, Reason][] {
  return [...map].map(([i, s]) => [i, s, reason]);
}

/** A user's list: the blend over history plus live events, cold start when unknown. */
export function recommendForUser(
  snapshot: Snapshot,
  userId: string,
  live: readonly LiveEvent[],
  options: ListOptions,
): RecommendationList {
  const { data } = snapshot;
  const user = data.users.get(userId);
  const stored = user === undefined ? undefined : data.histories[user];
  const history = {
    items: stored ? Array.from(stored.items) : [],
    times: stored ? Array.from(stored.times) : [],
    weights: stored ? Array.from(stored.weights) : [],
    baskets: stored ? [...stored.baskets] : [],
  };
  const purchasedIds = new Set<string>();
  if (stored)
    stored.items.forEach((i, t) => stored.purchased[t] && purchasedIds.add(data.items.ids[i]));
  for (const event of live) {
    if (event.kind === 'purchase') purchasedIds.add(event.itemId);
    const item = data.items.get(event.itemId);
    if (item === undefined) continue;
    history.items.push(item);
    history.times.push(event.at);
    history.weights.push(KIND_WEIGHT[event.kind]);
    history.baskets.push(event.basketId);
  }
  const skipIds = new Set(options.exclude ?? []);
  if (options.excludePurchased !== false) for (const id of purchasedIds) skipIds.add(id);

  if (history.items.length === 0) {
    return { strategy: 'popular', items: finish(snapshot, [], options, new Set(), skipIds) };
  }
  // Decays run from the latest known time; live events are the most recent history.
  const now = Math.max(data.now, ...live.map((e) => e.at));
  const parts = snapshot.users.components(user, history, now);
  const scored: [number, number, Reason][] = [];
  for (const [item, e] of blend(parts, snapshot.weights, COMPONENT_REASONS))
    scored.push([item, e.score, e.top]);
  return { strategy: 'blend', items: finish(snapshot, scored, options, new Set(), skipIds) };
}

/** Items like this one: co-purchase similarity plus text similarity, popular when neither. */
export function similarItems(
  snapshot: Snapshot,
  itemId: string,
  options: ListOptions,
): RecommendationList {
  const item = snapshot.data.items.get(itemId);
  const skipIds = new Set(options.exclude ?? []);
  if (item === undefined) {
    return { strategy: 'popular', items: finish(snapshot, [], options, new Set(), skipIds) };
  }
  const cf = scaled(spread(new Map([[item, 1]]), snapshot.users.itemCf));
  const text = scaled(snapshot.content.similar(item));
  const scored: [number, number, Reason][] = [];
  const seen = new Set<number>();
  for (const [i, s] of cf) {
    const t = text.get(i) ?? 0;
    seen.add(i);
    scored.push([i, s + 0.5 * t, s >= 0.5 * t ? 'item-cf' : 'content']);
  }
  for (const [i, t] of text) if (!seen.has(i)) scored.push([i, 0.5 * t, 'content']);
  const strategy = scored.length > 0 ? 'item-cf+content' : 'popular';
  return { strategy, items: finish(snapshot, scored, options, new Set([item]), skipIds) };
}

/** Association rules: what shares baskets with this item more than chance. */
export function boughtTogether(
  snapshot: Snapshot,
  itemId: string,
  options: ListOptions,
): RecommendationList {
  const item = snapshot.data.items.get(itemId);
  const skipIds = new Set(options.exclude ?? []);
  if (item === undefined) {
    return { strategy: 'popular', items: finish(snapshot, [], options, new Set(), skipIds) };
  }
  const rules = spread(new Map([[item, 1]]), snapshot.rules);
  const strategy = rules.size > 0 ? 'association-rules' : 'popular';
  return {
    strategy,
    items: finish(snapshot, fromMap(rules, 'bought-together'), options, new Set([item]), skipIds),
  };
}

/** The most popular items over a window of days. */
export function popularItems(
  snapshot: Snapshot,
  windowDays: number,
  options: ListOptions,
): RecommendationList {
  const scored = fromMap(
    scaled(popularScores(snapshot, windowDays)),
    windowDays <= 7 ? 'trending' : 'popular',
  );
  return {
    strategy: 'popular',
    items: finish(snapshot, scored, options, new Set(), new Set(options.exclude)),
  };
}

/**
 * Next items for an anonymous session from the items seen so far, oldest first. The session's
 * own items are left out: its neighbours all hold them, so they would head every list.
 */
export function sessionItems(
  snapshot: Snapshot,
  itemIds: readonly string[],
  options: ListOptions,
): RecommendationList {
  const clicks = itemIds.map((id) => snapshot.data.items.get(id) ?? -1).filter((i) => i >= 0);
  const { knn } = snapshot.sessions.scores(clicks);
  const combined = snapshot.sessions.combined(clicks);
  const seen = new Set(clicks);
  const scored: [number, number, Reason][] = [...combined]
    .filter(([i]) => !seen.has(i))
    .map(([i, s]) => [i, s, (knn.get(i) ?? 0) > 0 ? 'session-knn' : 'successors']);
  const strategy = scored.length > 0 ? 'session-knn+successors' : 'popular';
  return {
    strategy,
    items: finish(snapshot, scored, options, seen, new Set(options.exclude)),
  };
}
