import { clickEventProblem, productProblem, saleLineProblem, topicName } from '@qm/contracts';
import type { ConsumerHandle, EventBus } from '@qm/events';
import { inTransaction, type Pool } from '@qm/kit';
import type { Experiments } from '../experiments';
import {
  clickInput,
  decodeClick,
  decodeProduct,
  decodeSale,
  productInput,
  saleInput,
} from './messages';
import { applyProducts, applySales, type ClickInput } from './store';

/**
 * Starts the three consumers: sales into daily price points, products into costs and
 * categories, clicks into experiments. Their groups, like their topics, carry the bus's prefix.
 */
export async function startConsumers(
  bus: EventBus,
  deps: { pool: Pool; experiments: Experiments },
): Promise<ConsumerHandle[]> {
  const prefix = bus.topicPrefix;
  return Promise.all([
    bus.runConsumer({
      groupId: bus.group('pricing.sales'),
      topic: topicName('sales', prefix),
      decode: decodeSale,
      validate: (event) => saleLineProblem(event),
      handle: async (events) => {
        const lines = events.map((e) => saleInput(e.value));
        await inTransaction(deps.pool, (client) => applySales(client, lines));
      },
    }),
    bus.runConsumer({
      groupId: bus.group('pricing.products'),
      topic: topicName('products', prefix),
      decode: decodeProduct,
      validate: (event) => productProblem(event),
      handle: async (events) => {
        const products = events.map((e) => productInput(e.value));
        await inTransaction(deps.pool, (client) => applyProducts(client, products));
      },
    }),
    bus.runConsumer({
      groupId: bus.group('pricing.clickstream'),
      topic: topicName('clickstream', prefix),
      decode: decodeClick,
      validate: (event) => clickEventProblem(event),
      handle: async (events) => {
        const clicks = events
          .map((e) => clickInput(e.value))
          .filter((c): c is ClickInput => c !== undefined);
        if (clicks.length > 0) await deps.experiments.applyClickBatch(clicks);
      },
    }),
  ]);
}
