import {
  decode,
  SaleKind,
  saleLineProblem,
  SaleLineSchema,
  timestampMs,
  type SaleLine,
} from '@qm/contracts';
import { claimEvents, type ConsumerSpec } from '@qm/events';
import { inTransaction } from '@qm/kit';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { implausibleLine, saleObservations } from '../domain/sales';
import type { VelocityStore } from '../domain/velocity';

/**
 * Sale lines update customers' velocity and history. New event ids are claimed in the same
 * transaction that waits for Redis, so a redelivered line adds nothing; if the commit itself
 * fails after Redis was written, the redelivered lines are added a second time. A line whose
 * numbers no order has (a price of 1e300) is dead-lettered before it reaches Redis.
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
    groupId: `${deps.groupPrefix ?? ''}fraud.sales`,
    topic: deps.topic,
    decode: (value) => decode(SaleLineSchema, value),
    validate: (line) => saleLineProblem(line) ?? implausibleLine(line),
    async handle(events) {
      const lines = events.map((e) => e.value);
      const orders = await inTransaction(deps.pool, async (client) => {
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
        for (const o of observations) await deps.velocity.observe(o, 'add');
        return observations.length;
      });
      deps.log.debug({ lines: lines.length, orders }, 'sales applied');
    },
  };
}
