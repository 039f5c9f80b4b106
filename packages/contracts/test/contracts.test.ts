import {
  ClickEventBatchSchema,
  ClickEventSchema,
  ClickType,
  create,
  decode,
  encode,
  encodeMany,
  SaleLineBatchSchema,
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

  it('encodes a batch into the same bytes as each message alone', () => {
    const lines = [
      create(SaleLineSchema),
      create(SaleLineSchema, { eventId: 'a', sku: 'S', quantity: 2, unitPrice: 1.5 }),
      create(SaleLineSchema, { eventId: 'b', description: 'é中'.repeat(200), quantity: -1 }),
    ];
    const parts = encodeMany(SaleLineBatchSchema, create(SaleLineBatchSchema, { lines }));
    expect(parts.map((p) => p.toString('hex'))).toEqual(
      lines.map((l) => encode(SaleLineSchema, l).toString('hex')),
    );

    const events = [create(ClickEventSchema, { eventId: 'c', type: ClickType.VIEW })];
    const clicks = encodeMany(ClickEventBatchSchema, create(ClickEventBatchSchema, { events }));
    expect(decode(ClickEventSchema, clicks[0]).eventId).toBe('c');
  });

  it('refuses to split a message that is not a batch', () => {
    const line = create(SaleLineSchema, { eventId: 'starts like a batch' });
    expect(() => encodeMany(SaleLineSchema, line)).toThrow('is not a batch');
  });
});
