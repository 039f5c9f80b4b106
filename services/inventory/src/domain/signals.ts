import type { Policy } from './policy';
import type { StockLevel } from './ledger';

export const URGENCIES = ['critical', 'high', 'medium', 'low'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** A restock signal as warehouses read it. */
export interface RestockSignal {
  sku: string;
  warehouse: string;
  onHand: number;
  onOrder: number;
  backorders: number;
  reorderPoint: number;
  safetyStock: number;
  orderQuantity: number;
  daysOfCover: number;
  stockoutDate: string | null;
  urgency: Urgency;
  reason: string;
}

/** Sort rank: critical first. */
export function urgencyRank(urgency: string): number {
  const i = URGENCIES.indexOf(urgency as Urgency);
  return i < 0 ? URGENCIES.length : i;
}

/**
 * Critical: customers already wait or the shelf is empty. High: stock runs out before an
 * order placed today can arrive. Medium: into the safety stock. Low: at the reorder point.
 */
export function urgencyOf(stock: StockLevel, policy: Policy, leadTimeDays: number): Urgency {
  if (stock.backorders > 0 || stock.onHand <= 0) return 'critical';
  if (policy.daysOfCover < leadTimeDays) return 'high';
  if (stock.onHand + stock.onOrder - stock.backorders <= policy.safetyStock) return 'medium';
  return 'low';
}

function reasonOf(
  stock: StockLevel,
  policy: Policy,
  urgency: Urgency,
  leadTimeDays: number,
): string {
  const position =
    `on hand ${stock.onHand} + on order ${stock.onOrder}` +
    (stock.backorders > 0 ? ` - backordered ${stock.backorders}` : '');
  const head = `${position} is at or below the reorder point ${policy.reorderPoint}`;
  switch (urgency) {
    case 'critical':
      return stock.backorders > 0
        ? `${head}; ${stock.backorders} units are backordered`
        : `${head}; the shelf is empty`;
    case 'high':
      return (
        `${head}; stock lasts about ${Math.floor(policy.daysOfCover)} days, ` +
        `less than the ${leadTimeDays}-day lead time`
      );
    case 'medium':
      return `${head}; stock is into the safety stock of ${policy.safetyStock}`;
    case 'low':
      return head;
  }
}

/** The signal for a SKU's stock under its policy; none when nothing needs ordering. */
export function restockSignal(
  sku: string,
  warehouse: string,
  stock: StockLevel,
  policy: Policy,
  leadTimeDays: number,
): RestockSignal | null {
  if (policy.orderQuantity <= 0) return null;
  const urgency = urgencyOf(stock, policy, leadTimeDays);
  return {
    sku,
    warehouse,
    onHand: stock.onHand,
    onOrder: stock.onOrder,
    backorders: stock.backorders,
    reorderPoint: policy.reorderPoint,
    safetyStock: policy.safetyStock,
    orderQuantity: policy.orderQuantity,
    daysOfCover: policy.daysOfCover,
    stockoutDate: policy.stockoutDate,
    urgency,
    reason: reasonOf(stock, policy, urgency, leadTimeDays),
  };
}

/**
 * What makes a change worth telling warehouses about: the figures they act on. Days of cover
 * and the date drift with every sale, so they are left out unless the urgency changes.
 */
export function signalFingerprint(signal: RestockSignal | null): string {
  if (signal === null) return 'closed';
  return [
    signal.urgency,
    signal.onHand,
    signal.onOrder,
    signal.backorders,
    signal.reorderPoint,
    signal.orderQuantity,
  ].join('|');
}
