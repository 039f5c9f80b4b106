import {
  ClickType,
  create,
  decode,
  encode,
  ClickEventSchema,
  PriceChangeSchema,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  timestampDate,
  timestampFromDate,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';
import type { ClickInput, ProductInput, SaleInput } from './store';

export const decodeSale = (value: Buffer): SaleLine => decode(SaleLineSchema, value);
export const decodeProduct = (value: Buffer): ProductUpsert => decode(ProductUpsertSchema, value);
export const decodeClick = (value: Buffer): ClickEvent => decode(ClickEventSchema, value);

/** Only sales are demand; returns and cancellations keep their id so replays stay no-ops. */
export function saleInput(line: SaleLine): SaleInput {
  return {
    eventId: `sale:${line.eventId}`,
    sku: line.sku,
    customerId: line.customerId,
    quantity: line.kind === SaleKind.SALE ? line.quantity : 0,
    unitPrice: line.unitPrice,
    occurredAt: line.occurredAt ? timestampDate(line.occurredAt) : new Date(),
  };
}

/** Product events carry no id: the SKU and update time identify one. */
export function productInput(p: ProductUpsert): ProductInput {
  const updatedAt = p.updatedAt ? timestampDate(p.updatedAt) : new Date();
  return {
    eventId: `product:${p.sku}:${updatedAt.toISOString()}`,
    sku: p.sku,
    category: p.category,
    price: p.price,
    cost: p.cost,
    currency: p.currency,
    updatedAt,
  };
}

/** Views are exposures and purchases are conversions; other clicks are not used. */
export function clickInput(c: ClickEvent): ClickInput | undefined {
  const kind =
    c.type === ClickType.VIEW ? 'view' : c.type === ClickType.PURCHASE ? 'purchase' : undefined;
  if (kind === undefined || !c.itemId) return undefined;
  return {
    eventId: `click:${c.eventId}`,
    kind,
    unitId: c.userId || c.sessionId,
    sku: c.itemId,
    price: c.price,
    quantity: c.quantity,
    occurredAt: c.occurredAt ? timestampDate(c.occurredAt) : new Date(),
  };
}

export function encodePriceChange(change: {
  recommendationId: string;
  sku: string;
  oldPrice: number;
  newPrice: number;
  currency: string;
  approvedBy: string;
  approvedAt: Date;
  boundBy: string[];
}): Buffer {
  return encode(
    PriceChangeSchema,
    create(PriceChangeSchema, {
      recommendationId: change.recommendationId,
      sku: change.sku,
      oldPrice: change.oldPrice,
      newPrice: change.newPrice,
      currency: change.currency,
      approvedBy: change.approvedBy,
      approvedAt: timestampFromDate(change.approvedAt),
      boundBy: change.boundBy,
    }),
  );
}
