/** Ranking quality of scores against 0/1 labels. */
function order(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
}

/** Average precision (area under the precision-recall curve, step-wise). */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = order(scores);
  let positives = 0;
  for (const i of idx) positives += labels[i];
  if (positives === 0) return 0;
  let tp = 0;
  let sum = 0;
  let k = 0;
  while (k < idx.length) {
    // Equal scores form one threshold.
    let end = k;
    let hits = 0;
    while (end < idx.length && scores[idx[end]] === scores[idx[k]]) hits += labels[idx[end++]];
    tp += hits;
    sum += (hits / positives) * (tp / end);
    k = end;
  }
  return sum;
}

/** Area under the ROC curve, ties counted half. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = order(scores).reverse();
  let positives = 0;
  for (const i of idx) positives += labels[i];
  const negatives = idx.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  let rankSum = 0;
  let k = 0;
  while (k < idx.length) {
    let end = k;
    while (end < idx.length && scores[idx[end]] === scores[idx[k]]) end++;
    const rank = (k + 1 + end) / 2;
    for (let m = k; m < end; m++) if (labels[idx[m]]) rankSum += rank;
    k = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Share of frauds among the `k` highest scores. */
export function precisionAt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
): number {
  const top = order(scores).slice(0, k);
  return top.length === 0 ? 0 : top.reduce((s, i) => s + labels[i], 0) / top.length;
}

/** The lowest threshold whose precision over scores at or above it reaches `target`. */
export function thresholdForPrecision(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  target: number,
): number | undefined {
  const idx = order(scores);
  let tp = 0;
  let found: number | undefined;
  idx.forEach((i, rank) => {
    tp += labels[i];
    const next = idx[rank + 1];
    const boundary = next === undefined || scores[next] !== scores[i];
    if (boundary && tp / (rank + 1) >= target) found = scores[i];
  });
  return found;
}
