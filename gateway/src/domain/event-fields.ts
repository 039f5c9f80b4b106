/**
 * The field rules of `POST /v1/events`. They hold what the consumers of the sales and
 * clickstream topics need, so that an event the gateway accepts is applied by every service
 * rather than applied by some and dead-lettered by others: ids the services' routes can
 * look up, currencies the facts writer stores, instants and amounts that fit their columns.
 */

/** Why one item of a batch was not accepted: the field at fault and what is wrong. */
export class ItemError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The usual rejection: the field, then what is wrong with it. */
export function fault(field: string, problem: string): ItemError {
  return new ItemError(field, `${field} ${problem}`);
}

/** One item of a batch, as parsed from JSON. */
export type Item = Record<string, unknown>;

/** Ids as the services' routes take them (recommendations' item and user ids). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
export const ID_MAX = 128;
/** Recommendations knows an anonymous visitor as `session:<sessionId>`, itself an id. */
export const SESSION_ID_MAX = ID_MAX - 'session:'.length;
/** Inventory and pricing take SKUs and warehouses of at most 64 characters. */
export const SKU_MAX = 64;
/** Far above any order line; keeps a sum of many lines inside a 32-bit integer column. */
export const QUANTITY_MAX = 1_000_000;
export const PRICE_MAX = 10_000_000;
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

// C0 controls and DEL, but not tab, line feed and carriage return: PostgreSQL cannot store
// a NUL as text, and no storefront means the others.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// Encoding one to UTF-8 for protobuf would silently turn it into U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text of at most `max` characters without control characters; '' when absent. */
export function optionalText(item: Item, field: string, max: number): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw fault(field, 'must be a string');
  if (value.length > max) throw fault(field, `must be at most ${max} characters`);
  if (CONTROL.test(value)) throw fault(field, 'must not contain control characters');
  if (LONE_SURROGATE.test(value)) throw fault(field, 'must be valid Unicode text');
  return value;
}

export function requiredText(item: Item, field: string, max: number): string {
  const value = optionalText(item, field, max);
  if (value.trim() === '') throw fault(field, 'is required');
  return value;
}

/** An id of letters, digits, `.`, `_`, `:` and `-`; '' when absent. */
export function optionalId(item: Item, field: string, max = ID_MAX): string {
  const value = optionalText(item, field, max);
  if (value !== '' && !ID_PATTERN.test(value)) {
    throw fault(field, 'must hold only letters, digits, ".", "_", ":" and "-"');
  }
  return value;
}

export function requiredId(item: Item, field: string, max = ID_MAX): string {
  const value = optionalId(item, field, max);
  if (value === '') throw fault(field, 'is required');
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

/** A whole number from `min` to `max`; 0 when absent. */
export function wholeNumber(item: Item, field: string, min: number, max: number): number {
  const value = optionalNumber(item, field) ?? 0;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw fault(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A quantity of at most a million either way; a sale line's must be there and not 0. */
export function quantityOf(item: Item, required: boolean): number {
  if (required && optionalNumber(item, 'quantity') === undefined) {
    throw fault('quantity', 'is required');
  }
  const value = wholeNumber(item, 'quantity', -QUANTITY_MAX, QUANTITY_MAX);
  if (required && value === 0) throw fault('quantity', 'must not be 0');
  return value;
}

/** A price from 0 to ten million; 0 when absent, unless required. */
export function priceOf(item: Item, required: boolean): number {
  const value = optionalNumber(item, 'price');
  if (value === undefined) {
    if (required) throw fault('price', 'is required');
    return 0;
  }
  if (value < 0) throw fault('price', 'must not be negative');
  if (value > PRICE_MAX) throw fault('price', `must be at most ${PRICE_MAX}`);
  return value;
}

/** Refuses a sale line worth over ten million (price times quantity), as a price is bounded. */
export function checkLineValue(quantity: number, price: number): void {
  if (Math.abs(quantity) * price > PRICE_MAX) {
    throw fault('price', `times quantity must be at most ${PRICE_MAX}`);
  }
}

/** An ISO 4217 code such as EUR; sale lines must carry one, the facts writer needs it. */
export function currencyOf(item: Item, required: boolean): string {
  const value = optionalText(item, 'currency', 3);
  if (value === '') {
    if (required) throw fault('currency', 'is required');
    return value;
  }
  if (!/^[A-Z]{3}$/.test(value)) throw fault('currency', 'must be an ISO 4217 code such as EUR');
  return value;
}

// Date, time with seconds, optional fraction and a zone: read the same by every Date.parse.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
}

/** Whether the fields name a real instant: Date.parse rolls `02-30` and `24:00` over. */
function isCalendarInstant(parts: string[]): boolean {
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const [zoneHours, zoneMinutes] = [Number(parts[9] ?? 0), Number(parts[10] ?? 0)];
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    zoneHours <= 23 &&
    zoneMinutes <= 59
  );
}

/** An instant from 1970 to a day from now, written in ISO 8601 with a zone. */
export function timestampOf(item: Item): Date {
  const value = requiredText(item, 'timestamp', 40);
  const parts = ISO_8601.exec(value);
  if (parts === null) throw fault('timestamp', 'must be an ISO 8601 date and time with a zone');
  const ms = isCalendarInstant(parts) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw fault('timestamp', 'must be a real date and time');
  if (ms < 0) throw fault('timestamp', 'must not be before 1970');
  // Clocks drift, but an event from the future would become every model's "now".
  if (ms > Date.now() + MAX_CLOCK_SKEW_MS) throw fault('timestamp', 'must not be in the future');
  return new Date(ms);
}
