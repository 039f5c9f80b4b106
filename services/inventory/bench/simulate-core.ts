/** A SKU's (reorder point, order-up-to) pair as the replay uses it. */
export interface Levels {
  reorderPoint: number;
  orderUpTo: number;
}

export interface Outcome {
  demand: number;
  filled: number;
  onHandSum: number;
  stockoutDays: number;
}

/** Lost-sales replay: receipts arrive before the day's demand, the review is at day end. */
export function replay(levels: Levels, demand: number[], leadTime: number): Outcome {
  let onHand = levels.orderUpTo;
  const arrivals = new Array<number>(demand.length + leadTime + 1).fill(0);
  let onOrder = 0;
  const out: Outcome = { demand: 0, filled: 0, onHandSum: 0, stockoutDays: 0 };
  for (let t = 0; t < demand.length; t++) {
    onHand += arrivals[t];
    onOrder -= arrivals[t];
    const filled = Math.min(onHand, demand[t]);
    onHand -= filled;
    out.demand += demand[t];
    out.filled += filled;
    if (filled < demand[t]) out.stockoutDays++;
    out.onHandSum += onHand;
    const position = onHand + onOrder;
    if (position <= levels.reorderPoint && levels.orderUpTo > position) {
      const q = Math.ceil(levels.orderUpTo - position);
      arrivals[t + leadTime] += q;
      onOrder += q;
    }
  }
  return out;
}
