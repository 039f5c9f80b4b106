import { MAX_AMOUNT } from './order';
import type { Observation } from './velocity';

/** The parts of a sale line that fraud velocity uses. */
export interface SaleFact {
  eventId: string;
  orderId: string;
  customerId: string;
  quantity: number;
  unitPrice: number;
  isSale: boolean;
  at: number;
}

/** Why a sale line cannot be counted: a quantity, price or value no order has; else undefined. */
function implausibleLine(line: Pick<SaleFact, 'quantity' | 'unitPrice'>): string | undefined {
  if (!Number.isFinite(line.quantity)) return `quantity ${line.quantity} is not finite`;
  if (!Number.isFinite(line.unitPrice)) return `unitPrice ${line.unitPrice} is not finite`;
  const value = Math.abs(line.quantity * line.unitPrice);
  if (value > MAX_AMOUNT) return `line value ${value} is beyond ${MAX_AMOUNT}`;
  return undefined;
}

/** The velocity id of a sold order. */
export const saleObservationId = (orderId: string) => `sale:${orderId}`;

/**
 * Sale lines of known customers, summed per order, as velocity observations. Their ids are
 * `sale:<order id>`, apart from scored transactions: an order that was scored and then sold
 * is counted twice in its customer's velocity, since the sale does not say which transaction
 * it was scored as.
 */
export function saleObservations(lines: SaleFact[]): Observation[] {
  const orders = new Map<string, Observation>();
  for (const line of lines) {
    if (!line.isSale || line.quantity <= 0 || line.customerId === '') continue;
    if (implausibleLine(line) !== undefined || !Number.isFinite(line.at)) continue;
    const amount = line.quantity * line.unitPrice;
    if (amount < 0) continue;
    const id = saleObservationId(line.orderId);
    const current = orders.get(id);
    if (current) current.amount += amount;
    else {
      orders.set(id, {
        transactionId: id,
        customerId: line.customerId,
        amount,
        at: line.at,
        entities: { customer: line.customerId },
      });
    }
  }
  return [...orders.values()];
}
