import {
  decode,
  SaleKind,
  saleLineProblem,
  SaleLineSchema,
  timestampMs,
  type SaleLine,
} from '@qm/contracts';
import { claimEvents, consumerGroupId, type ConsumerSpec } from '@qm/events';
import { inTransaction } from '@qm/kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { saleObservationId, saleObservations } from '../domain/sales';
import type { VelocityStore } from '../domain/velocity';

/**
 * Sale lines update customers' velocity and history. New event ids are claimed in the same
 * transaction that waits for Redis, so a redelivered line adds nothing. When Redis fails
 * midway, the lines of the orders it counted stay claimed and only the others are given back,
 * so the retry adds only those; if a commit itself fails after Redis was written, the
 * redelivered lines are added a second time. A line whose numbers no order has (a price of
 * 1e300) is dead-lettered before it reaches Redis.
 */
export function salesConsumer(deps: {
  pool: Pool;
  velocity: VelocityStore;
  topic: string;
  log: Logger;
  /** The deployment's topic prefix, so that test deployments get groups of their own. */
  groupPrefix?: string;
  schema?: string;
}): ConsumerSpec<SaleLine> {
  const table = `${deps.schema ?? 'fraud'}.processed_events`;
  return {
    groupId: consumerGroupId('fraud.sales', deps.groupPrefix),
    topic: deps.topic,
    decode: (value) => decode(SaleLineSchema, value),
    // The shared rule bounds prices and line values as fraud's amounts are bounded.
    validate: (line) => saleLineProblem(line),
    async handle(events) {
      const lines = events.map((e) => e.value);
      const { orders, failure } = await inTransaction(deps.pool, async (client) => {
        const fresh = await claimEvents(client, table, lines);
        const observations = saleObservations(
          fresh.map((l) => ({
            eventId: l.eventId,
            orderId: l.orderId,
            customerId: l.customerId,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            isSale: l.kind === SaleKind.SALE,
            at: l.occurredAt ? timestampMs(l.occurredAt) : Date.now(),
          })),
        );
        let counted = 0;
        try {
          for (const o of observations) {
            await deps.velocity.observe(o, 'add');
            counted += 1;
          }
        } catch (error) {
          const left = new Set(observations.slice(counted).map((o) => o.transactionId));
          const unclaimed = fresh.filter((l) => left.has(saleObservationId(l.orderId)));
          await client.query(`delete from ${table} where event_id = any($1::text[])`, [
            unclaimed.map((l) => l.eventId),
          ]);
          return { orders: counted, failure: error };
        }
        return { orders: counted, failure: undefined };
      });
      // Thrown after the commit, so the claims of what Redis did count are kept.
      if (failure !== undefined) throw failure;
      deps.log.debug({ lines: lines.length, orders }, 'sales applied');
    },
  };
}
