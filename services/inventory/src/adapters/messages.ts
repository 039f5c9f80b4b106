import {
  create,
  decode,
  encode,
  ForecastUpdatedSchema,
  InventoryMovementSchema,
  MovementKind as ProtoMovementKind,
  RestockSignalSchema,
  SaleKind,
  SaleLineSchema,
  timestampDate,
  timestampFromDate,
  type ForecastUpdated,
  type InventoryMovement,
  type SaleLine,
} from '@qm/contracts';
import { plausibleMovementTime } from '../domain/ledger';
import { CODE_MAX, CODE_RULE, EVENT_ID_MAX } from '../schemas/inventory';
import type { MovementInput, ForecastInput } from '../inventory';
import type { SignalRow } from './store';

/** The Kafka value of a signal change; a closed signal goes out with urgency `none`. */
export function encodeSignal(row: SignalRow): Buffer {
  const s = row.signal;
  return encode(
    RestockSignalSchema,
    create(RestockSignalSchema, {
      sku: row.sku,
      warehouse: row.warehouse,
      onHand: s?.onHand ?? 0,
      onOrder: s?.onOrder ?? 0,
      reorderPoint: s?.reorderPoint ?? 0,
      safetyStock: s?.safetyStock ?? 0,
      orderQuantity: s?.orderQuantity ?? 0,
      daysOfCover: s?.daysOfCover ?? 0,
      stockoutDate: s?.stockoutDate ?? '',
      urgency: s?.urgency ?? 'none',
      reason: s?.reason ?? 'stock is above the reorder point again',
      raisedAt: timestampFromDate(new Date(row.changedAt)),
    }),
  );
}

export const decodeSale = (value: Buffer): SaleLine => decode(SaleLineSchema, value);
export const decodeMovement = (value: Buffer): InventoryMovement =>
  decode(InventoryMovementSchema, value);
export const decodeForecast = (value: Buffer): ForecastUpdated =>
  decode(ForecastUpdatedSchema, value);

/** A sale line as a ledger movement: sales out, returns and cancellations back in. */
export function saleMovement(line: SaleLine): MovementInput {
  const kind =
    line.kind === SaleKind.SALE
      ? 'SALE'
      : line.kind === SaleKind.RETURN
        ? 'RETURN'
        : 'CANCELLATION';
  return {
    eventId: `sale:${line.eventId}`,
    sku: line.sku,
    warehouse: line.warehouse,
    kind,
    quantity: line.quantity,
    occurredAt: line.occurredAt ? timestampDate(line.occurredAt) : new Date(),
    reference: line.orderId,
  };
}

function isCode(text: string, max: number): boolean {
  return text.length <= max && CODE_RULE.test(text);
}

/** A movement from Kafka held to the rules of `POST /v1/inventory/movements`. */
export function validateMovement(m: InventoryMovement): string | undefined {
  if (!m.eventId) return 'no event id';
  if (!m.sku) return 'no sku';
  // As the route refuses them: `m1 ` would be applied again beside `m1`, ` A` stored beside `A`.
  if (!isCode(m.eventId, EVENT_ID_MAX)) return 'eventId breaks the code rule';
  if (!isCode(m.sku, CODE_MAX)) return 'sku breaks the code rule';
  if (m.warehouse !== '' && !isCode(m.warehouse, CODE_MAX)) return 'warehouse breaks the code rule';
  if (m.kind === ProtoMovementKind.UNSPECIFIED) return 'no kind';
  if (m.kind !== ProtoMovementKind.ADJUSTMENT && m.quantity < 0) return 'negative quantity';
  if (m.occurredAt && !plausibleMovementTime(timestampDate(m.occurredAt))) {
    return 'occurredAt is not between 1970 and a year from now';
  }
  return undefined;
}

export function movementInput(m: InventoryMovement): MovementInput {
  const kind =
    m.kind === ProtoMovementKind.RECEIPT
      ? 'RECEIPT'
      : m.kind === ProtoMovementKind.ADJUSTMENT
        ? 'ADJUSTMENT'
        : 'COUNT';
  return {
    eventId: `movement:${m.eventId}`,
    sku: m.sku,
    warehouse: m.warehouse,
    kind,
    quantity: m.quantity,
    occurredAt: m.occurredAt ? timestampDate(m.occurredAt) : new Date(),
    reference: m.reference,
  };
}

export function validateForecast(f: ForecastUpdated): string | undefined {
  if (!f.sku) return 'no sku';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.start)) return 'start is not an ISO date';
  if (f.mean.length === 0) return 'no mean';
  // Very large values are fine (policies read each day within MAX_DAILY_UNITS); NaN is not.
  if (![f.mean, f.lower95, f.upper95].every((xs) => xs.every(Number.isFinite))) {
    return 'a value is not a finite number';
  }
  return undefined;
}

export function forecastInput(f: ForecastUpdated): ForecastInput {
  const n = f.mean.length;
  const fill = (xs: number[], fallback: number[]) => (xs.length === n ? xs : fallback);
  return {
    sku: f.sku,
    model: f.model,
    startDay: f.start,
    mean: f.mean,
    lower95: fill(f.lower95, f.mean),
    upper95: fill(f.upper95, f.mean),
    computedAt: f.computedAt ? timestampDate(f.computedAt) : new Date(),
  };
}
