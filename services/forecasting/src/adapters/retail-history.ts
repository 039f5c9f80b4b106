import { loadOnlineRetail } from '@qm/datasets';
import { dailyDemand, denseSeries, topSkus } from '../domain/demand';
import { addSteps } from '../domain/series';

export interface SkuHistory {
  sku: string;
  start: string;
  y: number[];
}

export interface HistorySelection {
  /** Last day of history (inclusive); the last day in the file when absent. */
  until?: string;
  /** How many SKUs, ranked by units sold up to `until`. */
  count: number;
  minSaleDays: number;
}

/** Daily demand histories of the best-selling SKUs of Online Retail up to a day. */
export async function retailHistories(dataDir: string, selection: HistorySelection) {
  const lines = await loadOnlineRetail(dataDir);
  const demandLines = lines.map((l) => ({
    sku: l.stockCode,
    day: l.day,
    quantity: l.quantity,
    cancelled: l.cancelled,
  }));
  const lastDay = lines.reduce((a, l) => (l.day > a ? l.day : a), '');
  const until = selection.until ?? lastDay;
  const demand = dailyDemand(demandLines, addSteps(until, 1, 'D'));
  const skus = topSkus(demand, selection.count, selection.minSaleDays);
  const histories: SkuHistory[] = skus.map((sku) => ({
    sku,
    ...denseSeries(demand.get(sku) as Map<string, number>, until),
  }));
  return { histories, all: dailyDemand(demandLines), until };
}
