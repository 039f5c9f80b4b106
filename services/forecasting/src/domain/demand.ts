import { addSteps } from './series';

/** One sale line as far as demand is concerned. */
export interface DemandLine {
  sku: string;
  day: string;
  quantity: number;
  /** Returns and cancellations are not demand. */
  cancelled: boolean;
}

/** Daily units sold per SKU: positive-quantity lines only, cancellations and returns left out. */
export function dailyDemand(
  lines: Iterable<DemandLine>,
  before?: string,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of lines) {
    if (line.cancelled || line.quantity <= 0) continue;
    if (before !== undefined && line.day >= before) continue;
    let days = out.get(line.sku);
    if (!days) out.set(line.sku, (days = new Map()));
    days.set(line.day, (days.get(line.day) ?? 0) + line.quantity);
  }
  return out;
}

/** A SKU's history from its first sale to `lastDay`, zeros on days without sales. */
export function denseSeries(
  days: Map<string, number>,
  lastDay: string,
): { start: string; y: number[] } {
  const start = [...days.keys()].sort()[0];
  const y: number[] = [];
  for (let i = 0; ; i++) {
    const day = addSteps(start, i, 'D');
    if (day > lastDay) break;
    y.push(days.get(day) ?? 0);
  }
  return { start, y };
}

/** The `count` SKUs with the most units sold that sold on at least `minDays` days. */
export function topSkus(
  demand: Map<string, Map<string, number>>,
  count: number,
  minDays: number,
): string[] {
  const ranked: { sku: string; units: number }[] = [];
  for (const [sku, days] of demand) {
    if (days.size < minDays) continue;
    let units = 0;
    for (const v of days.values()) units += v;
    ranked.push({ sku, units });
  }
  ranked.sort((a, b) => b.units - a.units || (a.sku < b.sku ? -1 : 1));
  return ranked.slice(0, count).map((r) => r.sku);
}
