import { invertSets } from './cooccurrence';
import { type ScoreMap } from './types';

export interface SessionOptions {
  /** Neighbour sessions that vote. */
  neighbours: number;
  /** Candidate sessions considered, the most recent sharing an item with the query. */
  sample: number;
  /** Successor statistics weight relative to the kNN scores. */
  successorWeight: number;
  /** How many positions after an item still count as its successor (weight 1/distance). */
  lookahead: number;
  /** Exponent on 1/|s|: longer neighbour sessions vote less. */
  lengthPenalty: number;
  /** Inverse popularity weighting of the voted items (0 = off). */
  idfWeight: number;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  neighbours: 100,
  sample: 500,
  successorWeight: 1,
  lookahead: 1,
  lengthPenalty: 0,
  idfWeight: 0,
};

/** Session k-nearest-neighbours with position weights, blended with successor statistics. */
export class SessionModel {
  private readonly byItem: Int32Array[];
  private readonly sets: Int32Array[];
  /** Per item, the items that followed it and their weighted counts, in first-seen order. */
  private readonly successorItems: Int32Array[];
  private readonly successorCounts: Float64Array[];
  private readonly idf: Float64Array;

  constructor(
    sequences: readonly Int32Array[],
    times: Float64Array,
    nItems: number,
    public options: SessionOptions,
  ) {
    this.sets = sequences.map((s) => Int32Array.from(new Set(s)));
    // Posting lists newest first, so a sample is a prefix of the merged lists.
    const inverted = invertSets(this.sets, nItems);
    this.byItem = inverted.map((list) => list.sort((a, b) => times[b] - times[a] || b - a));
    this.idf = Float64Array.from(inverted, (l) => Math.log(1 + sequences.length / (1 + l.length)));
    const successors = Array.from({ length: nItems }, () => new Map<number, number>());
    for (const seq of sequences) {
      for (let i = 0; i < seq.length; i++) {
        for (let d = 1; d <= options.lookahead && i + d < seq.length; d++) {
          const next = seq[i + d];
          if (next === seq[i]) continue;
          const row = successors[seq[i]];
          row.set(next, (row.get(next) ?? 0) + 1 / d);
        }
      }
    }
    // Typed arrays rather than maps: snapshots move between threads (`transfer.ts`), and the
    // receiving thread would rebuild some 370,000 map entries on its event loop.
    this.successorItems = successors.map((row) => Int32Array.from(row.keys()));
    this.successorCounts = successors.map((row) => Float64Array.from(row.values()));
  }

  /** Candidate next items for a session's clicks so far (item indexes, oldest first). */
  scores(clicks: readonly number[]): { knn: ScoreMap; successors: ScoreMap } {
    const known = clicks.filter((c) => c >= 0 && c < this.byItem.length);
    const knn = this.knn(known);
    const successors: ScoreMap = new Map();
    const last = known[known.length - 1];
    if (last !== undefined) {
      const items = this.successorItems[last];
      for (let n = 0; n < items.length; n++)
        successors.set(items[n], this.successorCounts[last][n]);
    }
    return { knn, successors };
  }

  /** kNN and successor scores normalised to [0, 1] and combined. */
  combined(clicks: readonly number[]): ScoreMap {
    const { knn, successors } = this.scores(clicks);
    const out: ScoreMap = new Map();
    const add = (map: ScoreMap, weight: number): void => {
      let max = 0;
      for (const v of map.values()) if (v > max) max = v;
      if (max <= 0 || weight <= 0) return;
      for (const [j, v] of map) out.set(j, (out.get(j) ?? 0) + (weight * v) / max);
    };
    add(knn, 1);
    add(successors, this.options.successorWeight);
    return out;
  }

  private knn(clicks: readonly number[]): ScoreMap {
    const out: ScoreMap = new Map();
    if (clicks.length === 0) return out;
    // Later clicks say more about the next one: weight by position, last click = 1.
    const weight = new Map<number, number>();
    clicks.forEach((item, p) =>
      weight.set(item, Math.max(weight.get(item) ?? 0, (p + 1) / clicks.length)),
    );

    const candidates = this.sampleSessions([...weight.keys()]);
    const sims: [number, number][] = [];
    for (const s of candidates) {
      let sim = 0;
      for (const item of this.sets[s]) sim += weight.get(item) ?? 0;
      if (this.options.lengthPenalty > 0)
        sim /= Math.pow(this.sets[s].length, this.options.lengthPenalty);
      sims.push([s, sim]);
    }
    sims.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
    const k = Math.min(this.options.neighbours, sims.length);
    for (let n = 0; n < k; n++) {
      const [s, sim] = sims[n];
      for (const item of this.sets[s]) {
        const vote =
          this.options.idfWeight > 0 ? sim * (1 + this.options.idfWeight * this.idf[item]) : sim;
        out.set(item, (out.get(item) ?? 0) + vote);
      }
    }
    return out;
  }

  private sampleSessions(items: number[]): number[] {
    const seen = new Set<number>();
    for (const item of items) for (const s of this.byItem[item]) seen.add(s);
    const all = [...seen];
    if (all.length <= this.options.sample) return all;
    // Sessions are indexed in time order, so a larger index is a more recent session.
    all.sort((a, b) => b - a);
    return all.slice(0, this.options.sample);
  }
}
