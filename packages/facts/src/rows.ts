import {
  ClickType,
  SaleKind,
  timestampMs,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';

const KIND_NAMES: Record<SaleKind, string> = {
  [SaleKind.UNSPECIFIED]: 'unspecified',
  [SaleKind.SALE]: 'sale',
  [SaleKind.RETURN]: 'return',
  [SaleKind.CANCELLATION]: 'cancellation',
};

const CLICK_NAMES: Record<ClickType, string> = {
  [ClickType.UNSPECIFIED]: 'unspecified',
  [ClickType.VIEW]: 'view',
  [ClickType.ADD_TO_CART]: 'add_to_cart',
  [ClickType.REMOVE_FROM_CART]: 'remove_from_cart',
  [ClickType.PURCHASE]: 'purchase',
  [ClickType.SEARCH]: 'search',
  [ClickType.FAVOURITE]: 'favourite',
};

/** The stored name of a sale kind (`sale`, `return`, `cancellation`). */
export function saleKindName(kind: SaleKind): string {
  return KIND_NAMES[kind] ?? 'unspecified';
}

/** The stored name of a click type (`view`, `add_to_cart`, ...). */
export function clickTypeName(type: ClickType): string {
  return CLICK_NAMES[type] ?? 'unspecified';
}

function timeMs(at: SaleLine['occurredAt']): number {
  return at === undefined ? NaN : timestampMs(at);
}

/** Keeps the first of several items with the same key: redelivered events in one batch. */
export function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Sale lines as the JSON array the sales insert reads with `json_to_recordset`: one text
 * parameter, which costs both sides less than 13 array literals (each of whose elements the
 * driver escapes, and the server parses). Times travel as epoch milliseconds.
 */
export function saleLineRows(lines: SaleLine[]): string {
  return JSON.stringify(
    lines.map((l) => ({
      event_id: l.eventId,
      order_id: l.orderId,
      line: l.line,
      sku: l.sku,
      quantity: l.quantity,
      unit_price: l.unitPrice,
      currency: l.currency,
      kind: saleKindName(l.kind),
      customer_id: l.customerId,
      country: l.country,
      description: l.description,
      source: l.source,
      occurred_ms: timeMs(l.occurredAt),
    })),
  );
}

/** Click events as the JSON array of the clickstream insert. */
export function clickEventRows(clicks: ClickEvent[]): string {
  return JSON.stringify(
    clicks.map((c) => ({
      event_id: c.eventId,
      type: clickTypeName(c.type),
      user_id: c.userId,
      session_id: c.sessionId,
      item_id: c.itemId,
      query: c.query,
      price: c.price,
      quantity: c.quantity,
      category: c.category,
      occurred_ms: timeMs(c.occurredAt),
      source: c.source,
    })),
  );
}

/** Product upserts as the JSON array of the catalog upsert; the latest per SKU only. */
export function productRows(products: ProductUpsert[]): string {
  const latest = new Map<string, ProductUpsert>();
  for (const p of products) {
    const held = latest.get(p.sku);
    if (held === undefined || timeMs(p.updatedAt) >= timeMs(held.updatedAt)) latest.set(p.sku, p);
  }
  return JSON.stringify(
    [...latest.values()].map((p) => ({
      sku: p.sku,
      title: p.title,
      description: p.description,
      category: p.category,
      price: p.price,
      cost: p.cost,
      currency: p.currency,
      updated_ms: timeMs(p.updatedAt),
    })),
  );
}
