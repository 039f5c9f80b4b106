/** For each item, the sets (users, baskets) that contain it. */
export function invertSets(sets: readonly Int32Array[], nItems: number): Int32Array[] {
  const counts = new Int32Array(nItems);
  for (const set of sets) for (const item of set) counts[item]++;
  const out = Array.from({ length: nItems }, (_, i) => new Int32Array(counts[i]));
  const fill = new Int32Array(nItems);
  sets.forEach((set, s) => {
    for (const item of set) out[item][fill[item]++] = s;
  });
  return out;
}

/**
 * Walks the co-occurrence row of every item: `visit(i, touched, counts)` receives the items
 * seen with `i` and the weighted counts (dense scratch arrays reused, so memory stays linear
 * in the catalogue and the work is the sum of squared set sizes).
 */
export function forEachCooccurrenceRow(
  sets: readonly Int32Array[],
  nItems: number,
  setWeight: (size: number) => number,
  visit: (item: number, touched: Int32Array, length: number, counts: Float64Array) => void,
): void {
  const bySet = invertSets(sets, nItems);
  const counts = new Float64Array(nItems);
  const touched = new Int32Array(nItems);
  const weights = sets.map((s) => setWeight(s.length));
  for (let i = 0; i < nItems; i++) {
    let length = 0;
    for (const s of bySet[i]) {
      const w = weights[s];
      for (const j of sets[s]) {
        if (j === i) continue;
        if (counts[j] === 0) touched[length++] = j;
        counts[j] += w;
      }
    }
    visit(i, touched, length, counts);
    for (let t = 0; t < length; t++) counts[touched[t]] = 0;
  }
}

/** Sparse top-k neighbour lists per item. */
export interface Neighbours {
  items: Int32Array[];
  scores: Float32Array[];
}

/** Keeps the k best (index, score) pairs among `length` candidates. */
export function keepTop(
  touched: Int32Array,
  length: number,
  score: (j: number) => number,
  k: number,
): { items: Int32Array; scores: Float32Array } {
  const pairs: [number, number][] = [];
  for (let t = 0; t < length; t++) {
    const j = touched[t];
    const s = score(j);
    if (s > 0) pairs.push([j, s]);
  }
  pairs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = pairs.length > k ? pairs.slice(0, k) : pairs;
  return {
    items: Int32Array.from(top, (p) => p[0]),
    scores: Float32Array.from(top, (p) => p[1]),
  };
}

export interface ItemCfOptions {
  /** Added to the cosine denominator: pairs seen together rarely count less. */
  shrink: number;
  neighbours: number;
  /** 0.5 is cosine; lower leans the similarity toward rare targets. */
  alpha: number;
}

/** Item-to-item similarity (asymmetric cosine with shrinkage) over sets of items. */
export function buildItemNeighbours(
  sets: readonly Int32Array[],
  nItems: number,
  options: ItemCfOptions,
): Neighbours {
  const support = new Float64Array(nItems);
  const setWeight = (size: number): number => 1 / Math.log2(2 + size);
  for (const set of sets) for (const item of set) support[item] += setWeight(set.length);
  const items: Int32Array[] = [];
  const scores: Float32Array[] = [];
  forEachCooccurrenceRow(sets, nItems, setWeight, (i, touched, length, counts) => {
    const top = keepTop(
      touched,
      length,
      (j) =>
        counts[j] /
        (Math.pow(support[i], 1 - options.alpha) * Math.pow(support[j], options.alpha) +
          options.shrink),
      options.neighbours,
    );
    items[i] = top.items;
    scores[i] = top.scores;
  });
  return { items, scores };
}

/** An association rule's figures for the pair (antecedent → consequent). */
export interface RuleFigures {
  support: number;
  confidence: number;
  lift: number;
}

export interface RuleOptions {
  minCount: number;
  minLift: number;
  keep: number;
}

/**
 * Association rules over baskets: for each antecedent, consequents ranked by confidence
 * (with lift above `minLift` and at least `minCount` shared baskets); the score kept is
 * the confidence.
 */
export function buildRules(
  baskets: readonly Int32Array[],
  nItems: number,
  options: RuleOptions,
): Neighbours {
  const n = Math.max(1, baskets.length);
  const count = new Float64Array(nItems);
  for (const basket of baskets) for (const item of basket) count[item]++;
  const items: Int32Array[] = [];
  const scores: Float32Array[] = [];
  forEachCooccurrenceRow(
    baskets,
    nItems,
    () => 1,
    (i, touched, length, counts) => {
      const top = keepTop(
        touched,
        length,
        (j) => {
          const figures = ruleFigures(counts[j], count[i], count[j], n);
          if (counts[j] < options.minCount || figures.lift < options.minLift) return 0;
          return figures.confidence;
        },
        options.keep,
      );
      items[i] = top.items;
      scores[i] = top.scores;
    },
  );
  return { items, scores };
}

/** Support, confidence and lift of a rule from basket counts. */
export function ruleFigures(
  both: number,
  antecedent: number,
  consequent: number,
  baskets: number,
): RuleFigures {
  const support = both / baskets;
  const confidence = antecedent > 0 ? both / antecedent : 0;
  const lift = consequent > 0 ? confidence / (consequent / baskets) : 0;
  return { support, confidence, lift };
}
