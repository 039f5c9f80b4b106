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

class ItemError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The usual rejection: the field, then what is wrong with it. */
function fault(field: string, problem: string): ItemError {
  return new ItemError(field, `${field} ${problem}`);
}

const ID_MAX = 128;
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;
const INT32_MAX = 2 ** 31 - 1;
// Date, time with seconds, optional fraction and a zone: read the same by every Date.parse.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

type Item = Record<string, unknown>;

function optionalString(item: Item, field: string, max = ID_MAX): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw fault(field, 'must be a string');
  if (value.length > max) throw fault(field, `must be at most ${max} characters`);
  return value;
}

function requiredString(item: Item, field: string, max = ID_MAX): string {
  const value = optionalString(item, field, max);
  if (value.trim() === '') throw fault(field, 'is required');
  return value;
}

function optionalNumber(item: Item, field: string): number | undefined {
  const value = item[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw fault(field, 'must be a number');
  }
  return value;
}

function quantityOf(item: Item, required: boolean): number {
  const value = optionalNumber(item, 'quantity');
  if (value === undefined) {
    if (required) throw fault('quantity', 'is required');
    return 0;
  }
  if (!Number.isInteger(value) || Math.abs(value) > INT32_MAX) {
    throw fault('quantity', 'must be a whole number');
  }
  if (required && value === 0) throw fault('quantity', 'must not be 0');
  return value;
}

function priceOf(item: Item, required: boolean): number {
  const value = optionalNumber(item, 'price');
  if (value === undefined) {
    if (required) throw fault('price', 'is required');
    return 0;
  }
  if (value < 0) throw fault('price', 'must not be negative');
  return value;
}

function timestampOf(item: Item): Date {
  const value = requiredString(item, 'timestamp', 40);
  const ms = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw fault('timestamp', 'must be an ISO 8601 date and time with a zone');
  }
  // Clocks drift, but an event from the future would become every model's "now".
  if (ms > Date.now() + MAX_CLOCK_SKEW_MS) throw fault('timestamp', 'must not be in the future');
  return new Date(ms);
}

function currencyOf(item: Item): string {
  const value = optionalString(item, 'currency', 3);
  if (value !== '' && !/^[A-Z]{3}$/.test(value)) {
    throw fault('currency', 'must be an ISO 4217 code such as EUR');
  }
  return value;
}

function clickEvent(item: Item, eventId: string, type: ClickType): ValidEvent {
  const userId = optionalString(item, 'userId');
  const sessionId = optionalString(item, 'sessionId');
  if (userId === '' && sessionId === '')
    throw new ItemError('userId', 'userId or sessionId is required');
  const isSearch = type === ClickType.SEARCH;
  const itemId = isSearch ? optionalString(item, 'itemId') : requiredString(item, 'itemId');
  const query = isSearch ? requiredString(item, 'query', 512) : optionalString(item, 'query', 512);

  const event = create(ClickEventSchema, {
    eventId,
    type,
    userId,
    sessionId,
    itemId,
    query,
    price: priceOf(item, false),
    currency: currencyOf(item),
    quantity: quantityOf(item, false),
    category: optionalString(item, 'category'),
    occurredAt: timestampFromDate(timestampOf(item)),
    source: 'api',
  });
  // Keyed by user, else session, so that one visitor's events stay in order.
  const key = userId !== '' ? userId : sessionId;
  return { topic: 'clickstream', message: { key, value: encode(ClickEventSchema, event) } };
}

function saleLine(item: Item, eventId: string, kind: SaleKind): ValidEvent {
  const sku = requiredString(item, 'itemId');
  const quantity = quantityOf(item, true);
  const line = optionalNumber(item, 'line') ?? 0;
  if (!Number.isInteger(line) || line < 0 || line > INT32_MAX) {
    throw fault('line', 'must be a whole number from 0');
  }

  const event = create(SaleLineSchema, {
    eventId,
    orderId: requiredString(item, 'orderId'),
    line,
    sku,
    // Returns and cancellations take stock back: their quantity is negative on the wire.
    quantity: kind === SaleKind.SALE ? Math.abs(quantity) : -Math.abs(quantity),
    unitPrice: priceOf(item, true),
    currency: currencyOf(item),
    customerId: optionalString(item, 'userId'),
    country: optionalString(item, 'country'),
    occurredAt: timestampFromDate(timestampOf(item)),
    kind,
    description: optionalString(item, 'description', 512),
    source: 'api',
    warehouse: optionalString(item, 'warehouse'),
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
  const eventId = requiredString(item, 'eventId');
  const type = requiredString(item, 'type', 32);
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
