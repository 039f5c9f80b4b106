import {
  type ClickEvent,
  ClickEventSchema,
  ClickType,
  decode,
  type ProductUpsert,
  ProductUpsertSchema,
  SaleKind,
  type SaleLine,
  SaleLineSchema,
  timestampDate,
} from '@qm/contracts';
import { type InteractionKind, type ProductInfo } from '../domain/types';
import { type StoredInteraction } from './store';

export const decodeSale = (bytes: Buffer): SaleLine => decode(SaleLineSchema, bytes);
export const decodeClick = (bytes: Buffer): ClickEvent => decode(ClickEventSchema, bytes);
export const decodeProduct = (bytes: Buffer): ProductUpsert => decode(ProductUpsertSchema, bytes);

/** A purchase by a known customer, or undefined for returns, cancellations and anonymous lines. */
export function saleInteraction(sale: SaleLine): StoredInteraction | undefined {
  if (sale.kind !== SaleKind.SALE || sale.quantity <= 0 || sale.customerId === '') return undefined;
  return {
    eventId: sale.eventId,
    userId: sale.customerId,
    itemId: sale.sku,
    kind: 'purchase',
    basketId: sale.orderId,
    at: sale.occurredAt ? timestampDate(sale.occurredAt).getTime() : Date.now(),
  };
}

const CLICK_KINDS: Partial<Record<ClickType, InteractionKind>> = {
  [ClickType.VIEW]: 'view',
  [ClickType.ADD_TO_CART]: 'cart',
  [ClickType.FAVOURITE]: 'cart',
  [ClickType.PURCHASE]: 'purchase',
};

/** A view, cart, favourite or purchase on an item; searches and removals carry no item taste. */
export function clickInteraction(click: ClickEvent): StoredInteraction | undefined {
  const kind = CLICK_KINDS[click.type];
  if (kind === undefined || click.itemId === '') return undefined;
  return {
    eventId: click.eventId,
    // Anonymous visitors are keyed by session so their clicks still feed session models.
    userId: click.userId !== '' ? click.userId : `session:${click.sessionId}`,
    itemId: click.itemId,
    kind,
    basketId: click.sessionId,
    at: click.occurredAt ? timestampDate(click.occurredAt).getTime() : Date.now(),
  };
}

export function productInfo(product: ProductUpsert): ProductInfo {
  return {
    itemId: product.sku,
    title: product.title,
    description: product.description,
    category: product.category,
  };
}
