import {
  ClickEventSchema,
  ClickType,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  create,
  timestampFromDate,
  clickEventProblem,
  productProblem,
  saleLineProblem,
} from '../src';

const at = timestampFromDate(new Date('2010-12-01T08:26:00Z'));

function sale(extra: object = {}) {
  return create(SaleLineSchema, {
    eventId: 'online-retail:0',
    orderId: '536365',
    sku: '85123A',
    quantity: 6,
    unitPrice: 2.55,
    currency: 'GBP',
    occurredAt: at,
    kind: SaleKind.SALE,
    ...extra,
  });
}

describe('fact validation', () => {
  it('accepts a complete sale line, return and cancellation', () => {
    expect(saleLineProblem(sale())).toBeUndefined();
    expect(saleLineProblem(sale({ kind: SaleKind.RETURN, quantity: -1 }))).toBeUndefined();
    expect(saleLineProblem(sale({ kind: SaleKind.CANCELLATION, quantity: -2 }))).toBeUndefined();
  });

  it.each([
    [{ sku: ' ' }, 'empty sku'],
    [{ occurredAt: undefined }, 'missing occurredAt'],
    [
      { occurredAt: timestampFromDate(new Date(-1)) },
      'occurredAt before 1970 or over a year ahead',
    ],
    [
      { occurredAt: timestampFromDate(new Date(Date.now() + 400 * 86_400_000)) },
      'occurredAt before 1970 or over a year ahead',
    ],
    [{ currency: ' ' }, 'missing currency'],
    [{ orderId: '' }, 'missing orderId'],
    [{ quantity: 0 }, 'zero quantity'],
    [{ quantity: -3 }, 'negative quantity on a sale'],
    [{ kind: SaleKind.RETURN }, 'positive quantity on a return or cancellation'],
    [{ kind: SaleKind.UNSPECIFIED }, 'unknown kind'],
    [{ unitPrice: -11062.06 }, 'negative or non-finite unitPrice'],
    [{ sku: 'QA\u0000P' }, 'NUL in sku'],
    [{ customerId: '17850\u0000' }, 'NUL in customerId'],
    [{ warehouse: 'main\u0000' }, 'NUL in warehouse'],
    [{ sku: 'Q'.repeat(65) }, 'sku over 64 characters'],
    [{ warehouse: 'W'.repeat(65) }, 'warehouse over 64 characters'],
    [{ currency: 'GBPGBPGBPGBP' }, 'currency not three capital letters'],
    [{ currency: 'gbp' }, 'currency not three capital letters'],
    [{ unitPrice: 1e300 }, 'unitPrice over 10000000'],
    [{ quantity: 1_000_001 }, 'quantity beyond ±1000000'],
    [{ quantity: 1_000_000, unitPrice: 10.01 }, 'line value 10010000 over 10000000'],
  ])('rejects a sale line with %j because of "%s"', (extra, reason) => {
    expect(saleLineProblem(sale(extra))).toBe(reason);
  });

  it('requires a user or a session, and an item unless the click is a search', () => {
    const click = (extra: object) =>
      create(ClickEventSchema, { eventId: 'e', type: ClickType.VIEW, occurredAt: at, ...extra });
    expect(clickEventProblem(click({ sessionId: 's', itemId: 'i' }))).toBeUndefined();
    expect(clickEventProblem(click({ itemId: 'i' }))).toBe('missing userId and sessionId');
    expect(clickEventProblem(click({ userId: 'u' }))).toBe('missing itemId');
    expect(clickEventProblem(click({ userId: 'u', type: ClickType.SEARCH }))).toBe(
      'missing query on a search',
    );
    expect(
      clickEventProblem(click({ userId: 'u', type: ClickType.SEARCH, query: 'lantern' })),
    ).toBeUndefined();
  });

  it('rejects a click with a NUL in a text field or an id no route can look up', () => {
    const click = create(ClickEventSchema, {
      eventId: 'e',
      type: ClickType.VIEW,
      userId: 'u',
      itemId: 'i',
      category: 'lamps\u0000',
      occurredAt: at,
    });
    expect(clickEventProblem(click)).toBe('NUL in category');
    const long = create(ClickEventSchema, { ...click, category: '', itemId: 'I'.repeat(129) });
    expect(clickEventProblem(long)).toBe('itemId over 128 characters');
    expect(saleLineProblem(sale({ description: 'LANTERN\u0000' }))).toBe('NUL in description');
  });

  it('rejects a click whose price or currency no sale line could carry', () => {
    const click = (extra: object) =>
      create(ClickEventSchema, {
        eventId: 'e',
        type: ClickType.VIEW,
        userId: 'u',
        itemId: 'i',
        occurredAt: at,
        ...extra,
      });
    expect(clickEventProblem(click({ price: 3.5, currency: 'USD' }))).toBeUndefined();
    expect(clickEventProblem(click({ price: 1e300 }))).toBe('price over 10000000');
    expect(clickEventProblem(click({ currency: 'usd' }))).toBe(
      'currency not three capital letters',
    );
  });

  it('rejects a product without a SKU or a time', () => {
    expect(
      productProblem(create(ProductUpsertSchema, { sku: 'A', updatedAt: at })),
    ).toBeUndefined();
    expect(productProblem(create(ProductUpsertSchema, { updatedAt: at }))).toBe('empty sku');
    expect(productProblem(create(ProductUpsertSchema, { sku: 'A' }))).toBe('missing updatedAt');
  });
});
