import { decode, SaleKind, SaleLineSchema, timestampDate, type SaleLine } from '@qm/contracts';
import type { ConsumerSpec } from '@qm/events';
import type { DemandEvent, DemandRepository } from './demand-repository';

const DAY_MS = 86_400_000;

/**
 * Why a sale line cannot be taken, if it cannot. A line dated far out would stretch every
 * SKU's daily history to that day (histories run to the latest day with a sale), so lines
 * must be dated from 1970 to a year from now.
 */
export function saleProblem(line: SaleLine, now = Date.now()): string | undefined {
  if (!line.eventId || !line.sku) return 'eventId and sku are required';
  if (line.occurredAt) {
    const t = timestampDate(line.occurredAt).getTime();
    if (!(t >= 0 && t <= now + 365 * DAY_MS)) {
      return 'occurredAt is not between 1970 and a year from now';
    }
  }
  return undefined;
}

/** Only sales are demand: returns and cancellations (negative quantities) are left out. */
export function demandOf(line: SaleLine): DemandEvent | undefined {
  if (line.kind !== SaleKind.SALE || line.quantity <= 0 || !line.occurredAt) return undefined;
  const day = timestampDate(line.occurredAt).toISOString().slice(0, 10);
  return { eventId: line.eventId, sku: line.sku, day, quantity: line.quantity };
}

/**
 * The `forecasting.sales` consumer: daily demand per SKU, then a (debounced) refresh. A
 * deployment or test with its own topic prefix gets its own group under the same prefix.
 */
export function salesConsumer(
  topic: string,
  repo: DemandRepository,
  touched: (skus: string[]) => void,
  groupPrefix = '',
): ConsumerSpec<SaleLine> {
  return {
    groupId: `${groupPrefix}forecasting.sales`,
    topic,
    decode: (bytes) => decode(SaleLineSchema, bytes),
    validate: (line) => saleProblem(line),
    handle: async (events) => {
      const demand = events.flatMap((e) => demandOf(e.value) ?? []);
      if (demand.length === 0) return;
      touched(await repo.apply(demand));
    },
  };
}
