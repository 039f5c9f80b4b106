import { seriesBySegment, type SegmentDay } from '../src/domain/demand';
import { classifyCustomers } from '../src/domain/segments';

/** The fields of an Online Retail line this service uses. */
export interface RetailSale {
  stockCode: string;
  customerId: string;
  quantity: number;
  unitPrice: number;
  day: string;
  cancelled: boolean;
}

/**
 * Per SKU, daily points by segment from sale lines with day in [from, to): what the sales
 * consumer stores, built offline. Segments come from the same lines, so nothing later leaks.
 */
export function retailSeries(lines: RetailSale[], from = '0000', to = '9999') {
  const inWindow = lines.filter(
    (l) => !l.cancelled && l.quantity > 0 && l.unitPrice > 0 && l.day >= from && l.day < to,
  );
  const segments = classifyCustomers(inWindow);
  const bySku = new Map<string, Map<string, SegmentDay>>();
  for (const l of inWindow) {
    const segment = segments.get(l.customerId) ?? 'retail';
    const days = bySku.get(l.stockCode) ?? new Map<string, SegmentDay>();
    const key = `${segment}|${l.day}`;
    const d = days.get(key) ?? { segment, day: l.day, units: 0, revenue: 0 };
    d.units += l.quantity;
    d.revenue += l.quantity * l.unitPrice;
    days.set(key, d);
    bySku.set(l.stockCode, days);
  }
  const out = new Map<string, ReturnType<typeof seriesBySegment>>();
  for (const [sku, days] of bySku) out.set(sku, seriesBySegment([...days.values()]));
  return out;
}

/** The last observed unit price per SKU in [from, to): the service's "current price". */
export function lastPrices(lines: RetailSale[], to = '9999'): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) {
    if (!l.cancelled && l.quantity > 0 && l.unitPrice > 0 && l.day < to) {
      out.set(l.stockCode, l.unitPrice);
    }
  }
  return out;
}
