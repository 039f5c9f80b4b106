import {
  ClickEventSchema,
  ClickType,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  create,
  timestampFromMs,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';
import type { ClickAction, ClickRecord, RetailLine } from '@qm/datasets';

/** Online Retail prices are in pounds sterling. */
export const RETAIL_CURRENCY = 'GBP';

const CLICK_TYPES: Record<ClickAction, ClickType> = {
  view: ClickType.VIEW,
  add_to_cart: ClickType.ADD_TO_CART,
  remove_from_cart: ClickType.REMOVE_FROM_CART,
  purchase: ClickType.PURCHASE,
  search: ClickType.SEARCH,
  favourite: ClickType.FAVOURITE,
};

/** The kind of an Online Retail line: `C...` invoices cancel, other negative lines return. */
export function retailKind(line: RetailLine): SaleKind {
  if (line.cancelled) return SaleKind.CANCELLATION;
  return line.quantity < 0 ? SaleKind.RETURN : SaleKind.SALE;
}

/** The sale event of an Online Retail line; `position` is its index within the invoice. */
export function saleLineFromRetail(line: RetailLine, position: number): SaleLine {
  return create(SaleLineSchema, {
    eventId: `online-retail:${line.row}`,
    orderId: line.invoiceNo,
    line: position,
    sku: line.stockCode,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    currency: RETAIL_CURRENCY,
    customerId: line.customerId,
    country: line.country,
    occurredAt: timestampFromMs(line.invoiceDate.getTime()),
    kind: retailKind(line),
    description: line.description,
    source: 'online-retail',
  });
}

/** The click event of a clickstream record. */
export function clickEventFromRecord(record: ClickRecord): ClickEvent {
  return create(ClickEventSchema, {
    eventId: record.eventId,
    type: CLICK_TYPES[record.action],
    userId: record.userId,
    sessionId: record.sessionId,
    itemId: record.itemId,
    price: record.price,
    quantity: record.action === 'add_to_cart' || record.action === 'purchase' ? 1 : 0,
    category: record.category,
    occurredAt: timestampFromMs(record.occurredAt.getTime()),
    source: record.source,
  });
}

/** Gathers one product per StockCode from the lines: title and price of its last line. */
export class RetailCatalog {
  private readonly latest = new Map<string, { title: string; price: number; at: number }>();

  /**
   * Notes a line: a later line replaces the title when it has one, and the price when it has
   * one (free adjustment lines and bad-debt entries do not set a product's price).
   */
  add(line: RetailLine): void {
    const at = line.invoiceDate.getTime();
    const held = this.latest.get(line.stockCode);
    if (held === undefined) {
      this.latest.set(line.stockCode, {
        title: line.description,
        price: line.unitPrice > 0 ? line.unitPrice : 0,
        at,
      });
      return;
    }
    // Updated in place: one object per StockCode rather than one per line.
    if (line.description) held.title = line.description;
    if (line.unitPrice > 0) held.price = line.unitPrice;
    held.at = at;
  }

  get size(): number {
    return this.latest.size;
  }

  /** The product upserts, one per StockCode seen. */
  *products(): Generator<ProductUpsert> {
    for (const [sku, p] of this.latest) {
      yield create(ProductUpsertSchema, {
        sku,
        title: p.title,
        price: p.price,
        currency: RETAIL_CURRENCY,
        updatedAt: timestampFromMs(p.at),
      });
    }
  }
}

/** Counts lines per invoice so each line gets its index within its order. */
export class InvoicePositions {
  private readonly next = new Map<string, number>();

  /** The index of the next line of this invoice, from 0. */
  take(invoiceNo: string): number {
    const position = this.next.get(invoiceNo) ?? 0;
    this.next.set(invoiceNo, position + 1);
    return position;
  }
}
