import {
  ClickType,
  SaleKind,
  timestampMs,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';

/** Column arrays of a batch, in the order the insert statements bind them. */
export type Columns = unknown[][];

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

function isoTime(at: SaleLine['occurredAt']): string {
  return new Date(timeMs(at)).toISOString();
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

/** Sale lines as the 13 column arrays of the sales insert. */
export function saleLineColumns(lines: SaleLine[]): Columns {
  const columns: Columns = Array.from({ length: 13 }, () => new Array<unknown>(lines.length));
  lines.forEach((l, i) => {
    columns[0][i] = l.eventId;
    columns[1][i] = l.orderId;
    columns[2][i] = l.line;
    columns[3][i] = l.sku;
    columns[4][i] = l.quantity;
    columns[5][i] = String(l.unitPrice);
    columns[6][i] = l.currency;
    columns[7][i] = saleKindName(l.kind);
    columns[8][i] = l.customerId;
    columns[9][i] = l.country;
    columns[10][i] = l.description;
    columns[11][i] = l.source;
    columns[12][i] = isoTime(l.occurredAt);
  });
  return columns;
}

/** Click events as the 11 column arrays of the clickstream insert. */
export function clickEventColumns(clicks: ClickEvent[]): Columns {
  const columns: Columns = Array.from({ length: 11 }, () => new Array<unknown>(clicks.length));
  clicks.forEach((c, i) => {
    columns[0][i] = c.eventId;
    columns[1][i] = clickTypeName(c.type);
    columns[2][i] = c.userId;
    columns[3][i] = c.sessionId;
    columns[4][i] = c.itemId;
    columns[5][i] = c.query;
    columns[6][i] = c.price;
    columns[7][i] = c.quantity;
    columns[8][i] = c.category;
    columns[9][i] = isoTime(c.occurredAt);
    columns[10][i] = c.source;
  });
  return columns;
}

/** Product upserts as the 8 column arrays of the catalog upsert; the latest per SKU only. */
export function productColumns(products: ProductUpsert[]): Columns {
  const latest = new Map<string, ProductUpsert>();
  for (const p of products) {
    const held = latest.get(p.sku);
    if (held === undefined || timeMs(p.updatedAt) >= timeMs(held.updatedAt)) latest.set(p.sku, p);
  }
  const rows = [...latest.values()];
  const columns: Columns = Array.from({ length: 8 }, () => new Array<unknown>(rows.length));
  rows.forEach((p, i) => {
    columns[0][i] = p.sku;
    columns[1][i] = p.title;
    columns[2][i] = p.description;
    columns[3][i] = p.category;
    columns[4][i] = String(p.price);
    columns[5][i] = String(p.cost);
    columns[6][i] = p.currency;
    columns[7][i] = isoTime(p.updatedAt);
  });
  return columns;
}
