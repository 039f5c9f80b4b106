/** Ranking quality of one list against the set of relevant items. */
export interface ListQuality {
  ndcg: number;
  hit: number;
  precision: number;
  /** Reciprocal rank of the first relevant item, 0 when none is listed. */
  rr: number;
}

/** NDCG, hit, precision and reciprocal rank at `k` with binary relevance. */
export function listQuality<T>(
  ranked: readonly T[],
  relevant: ReadonlySet<T>,
  k: number,
): ListQuality {
  let dcg = 0;
  let hits = 0;
  let rr = 0;
  const top = ranked.slice(0, k);
  top.forEach((item, i) => {
    if (!relevant.has(item)) return;
    hits++;
    dcg += 1 / Math.log2(i + 2);
    if (rr === 0) rr = 1 / (i + 1);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return {
    ndcg: ideal > 0 ? dcg / ideal : 0,
    hit: hits > 0 ? 1 : 0,
    precision: hits / k,
    rr,
  };
}

/** The mean of each figure over many lists. */
export function meanQuality(all: readonly ListQuality[]): ListQuality {
  const n = Math.max(1, all.length);
  const sum = { ndcg: 0, hit: 0, precision: 0, rr: 0 };
  for (const q of all) {
    sum.ndcg += q.ndcg;
    sum.hit += q.hit;
    sum.precision += q.precision;
    sum.rr += q.rr;
  }
  return { ndcg: sum.ndcg / n, hit: sum.hit / n, precision: sum.precision / n, rr: sum.rr / n };
}
