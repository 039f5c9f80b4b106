/** One competitor's price for a SKU, as observed at a time. */
export interface CompetitorObservation {
  sku: string;
  competitor: string;
  price: number;
  observedAt: Date;
}

const DAY_MS = 86_400_000;
/** Observations before the Unix epoch are typos, not history this service can use. */
const EARLIEST = Date.UTC(1970, 0, 1);

/**
 * The first observation time that cannot be true (after a day from now, allowing for clocks
 * and time zones, before 1970, or not a real instant), with its index. A time in the future
 * would pin the competitor rule: later real observations would count as older.
 */
export function implausibleObservation(
  times: (string | undefined)[],
  now: Date,
): { index: number; message: string } | undefined {
  const latest = now.getTime() + DAY_MS;
  for (const [index, text] of times.entries()) {
    if (text === undefined) continue;
    const t = new Date(text).getTime();
    if (Number.isNaN(t)) return { index, message: 'is not a real instant' };
    if (t > latest) return { index, message: 'is more than a day after now' };
    if (t < EARLIEST) return { index, message: 'is before 1970' };
  }
  return undefined;
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
