/** Buyer segments: Online Retail mixes wholesalers buying by the dozen with retail shoppers. */
export type Segment = 'wholesale' | 'retail';

export const SEGMENTS: readonly Segment[] = ['wholesale', 'retail'];

/** Line quantity from which a line counts as a bulk line. */
export const BULK_LINE_UNITS = 12;

/** Running counts of one customer's sale lines, enough to place them in a segment. */
export interface CustomerLines {
  lines: number;
  bulkLines: number;
}

/**
 * A customer is wholesale when at least half of their sale lines are of 12 units or more,
 * which is the same as a median line quantity of 12 or more, and can be kept as two running
 * counts as sales stream in. Anonymous buyers (no customer id) are retail.
 */
export function segmentOf(customerId: string, counts: CustomerLines | undefined): Segment {
  if (customerId === '' || counts === undefined || counts.lines === 0) return 'retail';
  return counts.bulkLines * 2 >= counts.lines ? 'wholesale' : 'retail';
}

/** Adds one sale line to a customer's counts (returns and cancellations are not counted). */
export function countLine(counts: CustomerLines | undefined, units: number): CustomerLines {
  const base = counts ?? { lines: 0, bulkLines: 0 };
  if (units <= 0) return base;
  return { lines: base.lines + 1, bulkLines: base.bulkLines + (units >= BULK_LINE_UNITS ? 1 : 0) };
}

/** Every customer's segment from their whole history of sale lines. */
export function classifyCustomers(
  lines: Iterable<{ customerId: string; quantity: number }>,
): Map<string, Segment> {
  const counts = new Map<string, CustomerLines>();
  for (const line of lines) {
    if (line.customerId === '') continue;
    counts.set(line.customerId, countLine(counts.get(line.customerId), line.quantity));
  }
  const out = new Map<string, Segment>();
  for (const [customer, c] of counts) out.set(customer, segmentOf(customer, c));
  return out;
}
