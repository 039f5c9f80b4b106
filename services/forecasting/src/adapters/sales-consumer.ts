import {
  decode,
  SaleKind,
  saleLineProblem,
  SaleLineSchema,
  timestampDate,
  type SaleLine,
} from '@qm/contracts';
import { consumerGroupId, type ConsumerSpec } from '@qm/events';
import type { RefreshScheduler } from '../domain/debounce';
import type { DemandEvent, DemandRepository } from './demand-repository';

/** Only sales are demand: returns and cancellations (negative quantities) are left out. */
export function demandOf(line: SaleLine): DemandEvent | undefined {
  if (line.kind !== SaleKind.SALE || line.quantity <= 0 || !line.occurredAt) return undefined;
  const day = timestampDate(line.occurredAt).toISOString().slice(0, 10);
  return { eventId: line.eventId, sku: line.sku, day, quantity: line.quantity };
}

/**
 * The `forecasting.sales` consumer: daily demand per SKU, then a (debounced) refresh that
 * also learns how far behind the topic the consumer is. A deployment or test with its own
 * topic prefix gets its own group under the same prefix.
 */
export function salesConsumer(
  topic: string,
  repo: DemandRepository,
  refreshes: Pick<RefreshScheduler, 'touch' | 'recordLag'>,
  topicPrefix = '',
): ConsumerSpec<SaleLine> {
  return {
    groupId: consumerGroupId('forecasting.sales', topicPrefix),
    topic,
    decode: (bytes) => decode(SaleLineSchema, bytes),
    validate: (line) => saleLineProblem(line),
    handle: async (events) => {
      const demand = events.flatMap((e) => demandOf(e.value) ?? []);
      if (demand.length === 0) return;
      refreshes.touch(await repo.apply(demand));
    },
    onLag: (partition, lag) => refreshes.recordLag(partition, lag),
  };
}
