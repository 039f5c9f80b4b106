import type { Pool } from 'pg';
import { getOrder, type OrderFact } from '@qm/facts';

export type { OrderFact };

/** Looks an order up by its number; undefined when there is no such order. */
export interface OrderLookup {
  getOrder(orderId: string): Promise<OrderFact | undefined>;
}

/** Orders from the sales facts written by `@qm/facts`. */
export function factsOrderLookup(pool: Pool): OrderLookup {
  return { getOrder: (orderId) => getOrder(pool, orderId) };
}
