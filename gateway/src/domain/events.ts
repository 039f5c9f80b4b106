import {
  ClickEventSchema,
  ClickType,
  SaleKind,
  SaleLineSchema,
  create,
  encode,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import type { OutgoingMessage, Publisher } from '@qm/events';
import { CommonErrors, defineErrors } from '@qm/kit';
import {
  ID_MAX,
  ItemError,
  SESSION_ID_MAX,
  SKU_MAX,
  currencyOf,
  checkLineValue,
  fault,
  optionalId,
  optionalText,
  priceOf,
  quantityOf,
  requiredId,
  requiredText,
  timestampOf,
  wholeNumber,
  type Item,
} from './event-fields';

/** Most events one `POST /v1/events` may carry. */
export const MAX_EVENTS_PER_BATCH = 500;

export const IngestErrors = defineErrors({
  BATCH_TOO_LARGE: [400, `a batch holds at most ${MAX_EVENTS_PER_BATCH} events`],
});

// Maps, not object literals: `type in {...}` also matches `toString`, `__proto__` and the
// other names every object inherits.
const CLICK_TYPES = new Map<string, ClickType>([
  ['view', ClickType.VIEW],
  ['add_to_cart', ClickType.ADD_TO_CART],
  ['remove_from_cart', ClickType.REMOVE_FROM_CART],
  ['purchase', ClickType.PURCHASE],
  ['search', ClickType.SEARCH],
  ['favourite', ClickType.FAVOURITE],
]);

const SALE_KINDS = new Map<string, SaleKind>([
  ['sale', SaleKind.SALE],
  ['return', SaleKind.RETURN],
  ['cancellation', SaleKind.CANCELLATION],
]);

/** Event types a storefront may send. */
export const EVENT_TYPES = [...CLICK_TYPES.keys(), ...SALE_KINDS.keys()];

/**
 * Every field a click or a sale line reads. One that neither reads is a misspelling
 * (`categroy`) that would otherwise be dropped without a word; a field of the other kind of
 * event is ignored, so a storefront may send one shape for both.
 */
const EVENT_FIELDS = new Set([
  'eventId',
  'type',
  'timestamp',
  'userId',
  'sessionId',
  'itemId',
  'query',
  'price',
  'currency',
  'quantity',
  'category',
  'orderId',
  'line',
  'country',
  'description',
  'warehouse',
]);

/** Why one item of a batch was not accepted. */
export interface Rejection {
  index: number;
  field: string;
  message: string;
}

/** An accepted item, ready to publish. */
export interface ValidEvent {
  topic: 'clickstream' | 'sales';
  message: OutgoingMessage;
}

const INT32_MAX = 2 ** 31 - 1;
/** Category and country: free text, as long as an id. */
const TEXT_MAX = ID_MAX;

function clickEvent(item: Item, eventId: string, type: ClickType): ValidEvent {
  const userId = optionalId(item, 'userId');
  const sessionId = optionalId(item, 'sessionId', SESSION_ID_MAX);
  if (userId === '' && sessionId === '') {
    throw new ItemError('userId', 'userId or sessionId is required');
  }
  const isSearch = type === ClickType.SEARCH;
  const itemId = isSearch
    ? optionalId(item, 'itemId', SKU_MAX)
    : requiredId(item, 'itemId', SKU_MAX);
  const query = isSearch ? requiredText(item, 'query', 512) : optionalText(item, 'query', 512);

  const event = create(ClickEventSchema, {
    eventId,
    type,
    userId,
    sessionId,
    itemId,
    query,
    price: priceOf(item, false),
    currency: currencyOf(item, false),
    quantity: quantityOf(item, false),
    category: optionalText(item, 'category', TEXT_MAX),
    occurredAt: timestampFromDate(timestampOf(item)),
    source: 'api',
  });
  // Keyed by user, else session, so that one visitor's events stay in order.
  const key = userId !== '' ? userId : sessionId;
  return { topic: 'clickstream', message: { key, value: encode(ClickEventSchema, event) } };
}

function saleLine(item: Item, eventId: string, kind: SaleKind): ValidEvent {
  const sku = requiredId(item, 'itemId', SKU_MAX);
  const quantity = quantityOf(item, true);
  const line = wholeNumber(item, 'line', 0, INT32_MAX);
  const unitPrice = priceOf(item, true);
  checkLineValue(quantity, unitPrice);

  const event = create(SaleLineSchema, {
    eventId,
    orderId: requiredId(item, 'orderId'),
    line,
    sku,
    // Returns and cancellations take stock back: their quantity is negative on the wire.
    quantity: kind === SaleKind.SALE ? Math.abs(quantity) : -Math.abs(quantity),
    unitPrice,
    currency: currencyOf(item, true),
    customerId: optionalId(item, 'userId'),
    country: optionalText(item, 'country', TEXT_MAX),
    occurredAt: timestampFromDate(timestampOf(item)),
    kind,
    description: optionalText(item, 'description', 512),
    source: 'api',
    warehouse: optionalId(item, 'warehouse', SKU_MAX),
  });
  // Keyed by SKU, so that the sales of one SKU stay in order.
  return { topic: 'sales', message: { key: sku, value: encode(SaleLineSchema, event) } };
}

/** Checks one item of a batch and turns it into a keyed protobuf message, or says why not. */
export function parseEvent(raw: unknown): ValidEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ItemError('event', 'the event must be an object');
  }
  const item = raw as Item;
  const unknown = Object.keys(item).find((field) => !EVENT_FIELDS.has(field));
  if (unknown !== undefined) throw fault(unknown, 'is not a field of any event');
  const eventId = requiredId(item, 'eventId');
  const type = requiredText(item, 'type', 32);
  const click = CLICK_TYPES.get(type);
  if (click !== undefined) return clickEvent(item, eventId, click);
  const kind = SALE_KINDS.get(type);
  if (kind !== undefined) return saleLine(item, eventId, kind);
  throw fault('type', `must be one of ${EVENT_TYPES.join(', ')}`);
}

/** Splits a batch into accepted messages per topic and rejections naming the field at fault. */
export function sortBatch(items: unknown[]): {
  accepted: ValidEvent[];
  rejected: Rejection[];
} {
  if (items.length > MAX_EVENTS_PER_BATCH) {
    throw IngestErrors.BATCH_TOO_LARGE(
      `a batch holds at most ${MAX_EVENTS_PER_BATCH} events, this one has ${items.length}`,
      { field: 'events' },
    );
  }
  const accepted: ValidEvent[] = [];
  const rejected: Rejection[] = [];
  items.forEach((raw, index) => {
    try {
      accepted.push(parseEvent(raw));
    } catch (error) {
      if (!(error instanceof ItemError)) throw error;
      rejected.push({ index, field: error.field, message: error.message });
    }
  });
  return { accepted, rejected };
}

/** Where `ingestEvents` publishes. */
export interface IngestTarget {
  publisher: Publisher;
  topicPrefix: string;
}

/**
 * Validates every item of a batch and publishes the valid ones, keyed. The caller may retry a
 * failed batch as a whole: consumers drop events whose id they have already applied.
 */
export async function ingestEvents(
  target: IngestTarget,
  items: unknown[],
  requestId?: string,
): Promise<{ accepted: number; rejected: Rejection[] }> {
  const { accepted, rejected } = sortBatch(items);
  const byTopic = { clickstream: [] as OutgoingMessage[], sales: [] as OutgoingMessage[] };
  for (const event of accepted) byTopic[event.topic].push(event.message);

  try {
    await Promise.all(
      (['clickstream', 'sales'] as const)
        .filter((key) => byTopic[key].length > 0)
        .map((key) =>
          target.publisher.publish(topicName(key, target.topicPrefix), byTopic[key], { requestId }),
        ),
    );
  } catch (error) {
    throw CommonErrors.DEPENDENCY_UNAVAILABLE('the event log is unavailable, retry the batch', {
      cause: error,
    });
  }
  return { accepted: accepted.length, rejected };
}
