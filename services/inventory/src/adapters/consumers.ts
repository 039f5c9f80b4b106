import { saleLineProblem, topicName, type SaleLine } from '@qm/contracts';
import { consumerGroupId, type ConsumerHandle, type ConsumerSpec, type EventBus } from '@qm/events';
import type { PolicyHold } from '../domain/policy-hold';
import type { Inventory } from '../inventory';
import {
  decodeForecast,
  decodeMovement,
  decodeSale,
  forecastInput,
  movementInput,
  saleMovement,
  validateForecast,
  validateMovement,
} from './messages';

/**
 * The `inventory.sales` consumer: sale lines into the ledger. It tells `hold` its lag, and
 * while that holds, the policies of the keys it touches are put off. Its group, like its
 * topic, carries the deployment's prefix.
 */
export function salesConsumer(
  topic: string,
  inventory: Inventory,
  { topicPrefix = '', hold }: { topicPrefix?: string; hold?: PolicyHold } = {},
): ConsumerSpec<SaleLine> {
  return {
    groupId: consumerGroupId('inventory.sales', topicPrefix),
    topic,
    decode: decodeSale,
    validate: (event) => saleLineProblem(event),
    handle: async (events) => {
      await inventory.applyMovements(
        events.map((e) => saleMovement(e.value)),
        events[0]?.requestId,
        { deferPolicies: hold?.holding() },
      );
    },
    onLag: hold && ((partition, lag) => hold.recordLag(partition, lag)),
  };
}

/**
 * Starts the three consumers: sales and movements into the ledger, forecasts into policies.
 * Their groups, like their topics, carry the bus's prefix. While `hold` holds (the sales
 * consumer is far behind), sales and forecasts mark their keys stale instead.
 */
export async function startConsumers(
  bus: EventBus,
  inventory: Inventory,
  hold?: PolicyHold,
): Promise<ConsumerHandle[]> {
  const prefix = bus.topicPrefix;
  return Promise.all([
    bus.runConsumer(salesConsumer(bus.topic('sales'), inventory, { topicPrefix: prefix, hold })),
    bus.runConsumer({
      groupId: bus.group('inventory.movements'),
      topic: topicName('inventoryMovements', prefix),
      decode: decodeMovement,
      validate: validateMovement,
      handle: async (events) => {
        await inventory.applyMovements(
          events.map((e) => movementInput(e.value)),
          events[0]?.requestId,
        );
      },
    }),
    bus.runConsumer({
      groupId: bus.group('inventory.forecasts'),
      topic: topicName('forecasts', prefix),
      decode: decodeForecast,
      validate: validateForecast,
      handle: async (events) => {
        // Only the newest forecast of each SKU in a batch matters.
        const latest = new Map(events.map((e) => [e.value.sku, forecastInput(e.value)]));
        await inventory.applyForecasts([...latest.values()], events[0]?.requestId, {
          deferPolicies: hold?.holding(),
        });
      },
    }),
  ]);
}
