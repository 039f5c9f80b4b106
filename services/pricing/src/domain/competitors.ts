/** One competitor's price for a SKU, as observed at a time. */
export interface CompetitorObservation {
  sku: string;
  competitor: string;
  price: number;
  observedAt: Date;
}

/**
 * The newest observation per SKU and competitor (of equal times, the later in the list), in
 * key order, so one batch writes each row once and concurrent batches lock rows alike.
 */
export function newestPerCompetitor(list: CompetitorObservation[]): CompetitorObservation[] {
  const newest = new Map<string, CompetitorObservation>();
  for (const p of list) {
    const key = JSON.stringify([p.sku, p.competitor]);
    const kept = newest.get(key);
    if (!kept || kept.observedAt.getTime() <= p.observedAt.getTime()) newest.set(key, p);
  }
  return [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}
