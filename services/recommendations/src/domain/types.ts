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

/**
 * The indexes of the `k` largest positive values among `candidates` (every index when
 * absent), best first, ties broken by the smaller index. A heap of `k` keeps it linear in
 * the candidates, which matters on the request path.
 */
export function largest(
  values: ArrayLike<number>,
  k: number,
  candidates?: ArrayLike<number>,
): number[] {
  const n = candidates === undefined ? values.length : candidates.length;
  // A min-heap on (value, -index): the root is the worst index kept.
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean =>
    values[a] < values[b] || (values[a] === values[b] && a > b);
  const down = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let c = 0; c < n && k > 0; c++) {
    const i = candidates === undefined ? c : candidates[c];
    if (!(values[i] > 0)) continue;
    if (heap.length < k) {
      heap.push(i);
      for (let j = heap.length - 1; j > 0;) {
        const p = (j - 1) >> 1;
        if (!worse(heap[j], heap[p])) break;
        [heap[j], heap[p]] = [heap[p], heap[j]];
        j = p;
      }
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((a, b) => values[b] - values[a] || a - b);
}
