/** What a user did with an item: views and carts from the clickstream, purchases from sales. */
export type InteractionKind = 'view' | 'cart' | 'purchase';

export interface Interaction {
  userId: string;
  itemId: string;
  /** Epoch milliseconds. */
  at: number;
  kind: InteractionKind;
  /** The order or the session the interaction belongs to; groups baskets and sessions. */
  basketId: string;
}

export interface ProductInfo {
  itemId: string;
  title: string;
  description: string;
  category: string;
}

/** Which recommender put an item on a list. */
export type Reason =
  | 'repeat-purchase'
  | 'item-cf'
  | 'recent-co-purchase'
  | 'user-cf'
  | 'latent-factors'
  | 'popular'
  | 'trending'
  | 'content'
  | 'bought-together'
  | 'session-knn'
  | 'successors';

export interface Recommendation {
  itemId: string;
  score: number;
  reason: Reason;
}

/** Scores over item indexes, sparse. */
export type ScoreMap = Map<number, number>;

export const DAY_MS = 86_400_000;

/** Decay factor for an event `ageMs` old under a half-life in days. */
export function decay(ageMs: number, halfLifeDays: number): number {
  if (halfLifeDays <= 0) return 1;
  return Math.pow(0.5, Math.max(0, ageMs) / (halfLifeDays * DAY_MS));
}

/** The `n` best entries of a score map, best first; ties broken by the smaller index. */
export function topN(
  scores: ScoreMap,
  n: number,
  skip?: (item: number) => boolean,
): [number, number][] {
  const out: [number, number][] = [];
  for (const [item, score] of scores) {
    if (!(score > 0) || (skip !== undefined && skip(item))) continue;
    out.push([item, score]);
  }
  out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return out.length > n ? out.slice(0, n) : out;
}
