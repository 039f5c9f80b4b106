/**
 * The rules every event must keep, whichever service consumes it: a line one consumer
 * dead-letters is dead-lettered by all, so no two services hold different stories of the
 * same sales. Consumers add their own rules after these.
 */
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { ClickType, type ClickEvent } from './gen/quartermaster/events/v1/clickstream_pb';
import type { ProductUpsert } from './gen/quartermaster/events/v1/catalog_pb';
import { SaleKind, type SaleLine } from './gen/quartermaster/events/v1/sales_pb';

type Timestamp = NonNullable<SaleLine['occurredAt']>;

const YEAR_MS = 365 * 86_400_000;

/**
 * Times run from 1970 to a year from now: a line dated far out would stretch every daily
 * history to that day, and one before 1970 is a unit mistake.
 */
function timeProblem(field: string, at: Timestamp | undefined, now: number): string | undefined {
  if (at === undefined) return `missing ${field}`;
  const t = timestampMs(at);
  return t >= 0 && t <= now + YEAR_MS ? undefined : `${field} before 1970 or over a year ahead`;
}

function badAmount(value: number): boolean {
  return !Number.isFinite(value) || value < 0;
}

/** The highest price, and sale line value, the gateway and fraud scoring take. */
const PRICE_MAX = 10_000_000;
/** The most units one sale line moves, as the gateway takes them. */
const QUANTITY_MAX = 1_000_000;
/** ISO 4217: three capital letters. */
const CURRENCY = /^[A-Z]{3}$/;

/** A sale line's price, quantity and value out of the ranges every consumer can hold. */
function saleAmountProblem(line: SaleLine): string | undefined {
  if (badAmount(line.unitPrice)) return 'negative or non-finite unitPrice';
  if (line.unitPrice > PRICE_MAX) return `unitPrice over ${PRICE_MAX}`;
  if (line.quantity === 0) return 'zero quantity';
  if (Math.abs(line.quantity) > QUANTITY_MAX) return `quantity beyond ±${QUANTITY_MAX}`;
  const value = Math.abs(line.quantity) * line.unitPrice;
  return value > PRICE_MAX ? `line value ${value} over ${PRICE_MAX}` : undefined;
}

/**
 * The first text field holding a NUL. PostgreSQL cannot store one, so a consumer that keeps
 * the field would dead-letter the event while one that only counts it applied it.
 */
function nulProblem<M>(message: M, fields: readonly (keyof M & string)[]): string | undefined {
  const field = fields.find((name) => String(message[name]).includes('\u0000'));
  return field === undefined ? undefined : `NUL in ${field}`;
}

/** The longest SKU or warehouse code inventory's and pricing's routes take. */
const CODE_MAX = 64;
/** The longest item or user id recommendations' routes take. */
const ID_MAX = 128;

/** The first field longer than its limit, which a service could store but never look up. */
function lengthProblem<M>(message: M, fields: readonly (keyof M & string)[], max: number) {
  const field = fields.find((name) => String(message[name]).length > max);
  return field === undefined ? undefined : `${field} over ${max} characters`;
}

const SALE_TEXT = [
  'eventId',
  'orderId',
  'sku',
  'currency',
  'customerId',
  'country',
  'description',
  'source',
  'warehouse',
] as const;
const CLICK_TEXT = [
  'eventId',
  'userId',
  'sessionId',
  'itemId',
  'query',
  'currency',
  'category',
  'source',
] as const;

/** Why a sale line cannot be stored as a fact, or undefined when it can. */
export function saleLineProblem(line: SaleLine, now = Date.now()): string | undefined {
  if (line.eventId.trim() === '') return 'missing eventId';
  if (line.orderId.trim() === '') return 'missing orderId';
  if (line.sku.trim() === '') return 'empty sku';
  const text = nulProblem(line, SALE_TEXT) ?? lengthProblem(line, ['sku', 'warehouse'], CODE_MAX);
  if (text !== undefined) return text;
  const time = timeProblem('occurredAt', line.occurredAt, now);
  if (time !== undefined) return time;
  if (line.currency.trim() === '') return 'missing currency';
  if (!CURRENCY.test(line.currency)) return 'currency not three capital letters';
  const amount = saleAmountProblem(line);
  if (amount !== undefined) return amount;
  switch (line.kind) {
    case SaleKind.SALE:
      return line.quantity < 0 ? 'negative quantity on a sale' : undefined;
    case SaleKind.RETURN:
    case SaleKind.CANCELLATION:
      return line.quantity > 0 ? 'positive quantity on a return or cancellation' : undefined;
    case SaleKind.UNSPECIFIED:
    default:
      return 'unknown kind';
  }
}

/** Why a click event cannot be stored, or undefined when it can. */
export function clickEventProblem(click: ClickEvent, now = Date.now()): string | undefined {
  if (click.eventId.trim() === '') return 'missing eventId';
  if (!(click.type in ClickType) || click.type === ClickType.UNSPECIFIED) return 'unknown type';
  if (click.userId.trim() === '' && click.sessionId.trim() === '') {
    return 'missing userId and sessionId';
  }
  if (click.type === ClickType.SEARCH) {
    if (click.query.trim() === '') return 'missing query on a search';
  } else if (click.itemId.trim() === '') {
    return 'missing itemId';
  }
  const text = nulProblem(click, CLICK_TEXT) ?? lengthProblem(click, ['itemId', 'userId'], ID_MAX);
  if (text !== undefined) return text;
  const time = timeProblem('occurredAt', click.occurredAt, now);
  if (time !== undefined) return time;
  if (badAmount(click.price)) return 'negative or non-finite price';
  if (click.price > PRICE_MAX) return `price over ${PRICE_MAX}`;
  if (click.currency !== '' && !CURRENCY.test(click.currency)) {
    return 'currency not three capital letters';
  }
  return undefined;
}

/** Why a product upsert cannot be stored, or undefined when it can. */
export function productProblem(product: ProductUpsert, now = Date.now()): string | undefined {
  if (product.sku.trim() === '') return 'empty sku';
  const time = timeProblem('updatedAt', product.updatedAt, now);
  if (time !== undefined) return time;
  if (badAmount(product.price)) return 'negative or non-finite price';
  if (badAmount(product.cost)) return 'negative or non-finite cost';
  return undefined;
}
