import { clickEventProblem, productProblem, saleLineProblem, topicName } from '@qm/contracts';
import type { ConsumerHandle, EventBus } from '@qm/events';
import { type Recommendations } from '../recommendations';
import {
  clickInteraction,
  decodeClick,
  decodeProduct,
  decodeSale,
  productInfo,
  saleInteraction,
} from './messages';
import { type StoredInteraction } from './store';

const present = (e: StoredInteraction | undefined): e is StoredInteraction => e !== undefined;

/** Sales and clicks become interactions; product upserts feed titles for content similarity. */
export async function startConsumers(
  bus: EventBus,
  recs: Recommendations,
): Promise<ConsumerHandle[]> {
  const prefix = bus.topicPrefix;
  return Promise.all([
    bus.runConsumer({
      groupId: bus.group('recommendations.sales'),
      topic: topicName('sales', prefix),
      decode: decodeSale,
      validate: (event) => saleLineProblem(event),
      handle: async (events) => {
        await recs.applyInteractions(events.map((e) => saleInteraction(e.value)).filter(present));
      },
    }),
    bus.runConsumer({
      groupId: bus.group('recommendations.clickstream'),
      topic: topicName('clickstream', prefix),
      decode: decodeClick,
      validate: (event) => clickEventProblem(event),
      handle: async (events) => {
        await recs.applyInteractions(events.map((e) => clickInteraction(e.value)).filter(present));
      },
    }),
    bus.runConsumer({
      groupId: bus.group('recommendations.products'),
      topic: topicName('products', prefix),
      decode: decodeProduct,
      validate: (event) => productProblem(event),
      handle: async (events) => {
        await recs.applyProducts(events.map((e) => productInfo(e.value)));
      },
    }),
  ]);
}
