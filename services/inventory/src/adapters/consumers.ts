import { saleLineProblem, topicName } from '@qm/contracts';
import type { ConsumerHandle, EventBus } from '@qm/events';
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
 * Starts the three consumers: sales and movements into the ledger, forecasts into policies.
 * Their groups, like their topics, carry the bus's prefix.
 */
export async function startConsumers(
  bus: EventBus,
  inventory: Inventory,
): Promise<ConsumerHandle[]> {
  const prefix = bus.topicPrefix;
  return Promise.all([
    bus.runConsumer({
      groupId: bus.group('inventory.sales'),
      topic: topicName('sales', prefix),
      decode: decodeSale,
      validate: (event) => saleLineProblem(event),
      handle: async (events) => {
        await inventory.applyMovements(
          events.map((e) => saleMovement(e.value)),
          events[0]?.requestId,
        );
      },
    }),
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
        await inventory.applyForecasts([...latest.values()], events[0]?.requestId);
      },
    }),
  ]);
}
