import {
  create,
  decode,
  encode,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  timestampDate,
} from '../src';

describe('event contracts', () => {
  it('round-trips a sale line through its wire bytes', () => {
    const at = new Date('2011-01-02T10:00:00Z');
    const line = create(SaleLineSchema, {
      eventId: 'online-retail:536365:0',
      orderId: '536365',
      sku: '85123A',
      quantity: -6,
      unitPrice: 2.55,
      kind: SaleKind.RETURN,
      occurredAt: timestampFromDate(at),
    });
    const back = decode(SaleLineSchema, encode(SaleLineSchema, line));
    expect(back.quantity).toBe(-6);
    expect(back.kind).toBe(SaleKind.RETURN);
    expect(timestampDate(back.occurredAt!)).toEqual(at);
  });

  it('refuses a truncated payload', () => {
    const bytes = encode(
      SaleLineSchema,
      create(SaleLineSchema, { eventId: 'x', sku: 'abc', orderId: '1' }),
    );
    expect(() => decode(SaleLineSchema, bytes.subarray(0, bytes.length - 2))).toThrow();
  });
});
