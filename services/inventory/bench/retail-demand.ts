import { loadOnlineRetail, resolveDataDir } from '@qm/datasets';

/** Daily units sold per SKU over consecutive calendar days (days without sales are zeros). */
export interface DailyDemand {
  firstDay: string;
  days: string[];
  bySku: Map<string, number[]>;
}

const DAY_MS = 86_400_000;

/** Calendar days from `first` to `last`, both included. */
export function calendar(first: string, last: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${first}T00:00:00Z`);
    t <= Date.parse(`${last}T00:00:00Z`);
    t += DAY_MS
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * Demand per SKU and day from Online Retail: sale lines with a positive quantity, cancelled
 * invoices left out (what customers asked for, which is what stock must serve).
 */
export async function loadDailyDemand(dataDir?: string): Promise<DailyDemand> {
  const lines = await loadOnlineRetail(resolveDataDir(dataDir));
  let first = '9999';
  let last = '0000';
  for (const l of lines) {
    if (l.day < first) first = l.day;
    if (l.day > last) last = l.day;
  }
  const days = calendar(first, last);
  const index = new Map(days.map((d, i) => [d, i]));
  const bySku = new Map<string, number[]>();
  for (const l of lines) {
    if (l.cancelled || l.quantity <= 0) continue;
    let series = bySku.get(l.stockCode);
    if (!series) {
      series = new Array<number>(days.length).fill(0);
      bySku.set(l.stockCode, series);
    }
    series[index.get(l.day) ?? 0] += l.quantity;
  }
  return { firstDay: first, days, bySku };
}
