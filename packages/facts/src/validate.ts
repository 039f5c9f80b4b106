import {
  ClickType,
  SaleKind,
  timestampMs,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';

type Timestamp = NonNullable<SaleLine['occurredAt']>;

function badTime(at: Timestamp | undefined): boolean {
  return at === undefined || !Number.isFinite(timestampMs(at));
}

function badAmount(value: number): boolean {
  return !Number.isFinite(value) || value < 0;
}

/** Why a sale line cannot be stored as a fact, or undefined when it can. */
export function saleLineProblem(line: SaleLine): string | undefined {
  if (line.eventId.trim() === '') return 'missing eventId';
  if (line.orderId.trim() === '') return 'missing orderId';
  if (line.sku.trim() === '') return 'empty sku';
  if (badTime(line.occurredAt)) return 'missing occurredAt';
  if (line.currency.trim() === '') return 'missing currency';
  if (badAmount(line.unitPrice)) return 'negative or non-finite unitPrice';
  if (line.quantity === 0) return 'zero quantity';
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
export function clickEventProblem(click: ClickEvent): string | undefined {
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
  if (badTime(click.occurredAt)) return 'missing occurredAt';
  if (badAmount(click.price)) return 'negative or non-finite price';
  return undefined;
}

/** Why a product upsert cannot be stored, or undefined when it can. */
export function productProblem(product: ProductUpsert): string | undefined {
  if (product.sku.trim() === '') return 'empty sku';
  if (badTime(product.updatedAt)) return 'missing updatedAt';
  if (badAmount(product.price)) return 'negative or non-finite price';
  if (badAmount(product.cost)) return 'negative or non-finite cost';
  return undefined;
}
