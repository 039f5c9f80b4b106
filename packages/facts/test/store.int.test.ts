import pino from 'pino';
import {
  ClickEventSchema,
  ClickType,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  create,
  timestampFromDate,
} from '@qm/contracts';
import {
  countFacts,
  getOrder,
  migrateFacts,
  storeClickEvents,
  storeProducts,
  storeSaleLines,
} from '../src';
import { createTestDatabase, type TestDatabase } from '@qm/tests';

const log = pino({ level: 'silent' });

function sale(eventId: string, orderId: string, line: number, extra: object = {}) {
  return create(SaleLineSchema, {
    eventId,
    orderId,
    line,
    sku: `SKU-${line}`,
    quantity: 2,
    unitPrice: 1.25,
    currency: 'GBP',
    customerId: '17850',
    country: 'United Kingdom',
    occurredAt: timestampFromDate(new Date('2010-12-01T08:26:00Z')),
    kind: SaleKind.SALE,
    description: 'WHITE METAL LANTERN',
    source: 'test',
    ...extra,
  });
}

describe('fact store', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('facts');
    await migrateFacts(db.url, log);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('folds lines into one order and one customer, however they are batched', async () => {
    await storeSaleLines(db.pool, [sale('a:0', 'A', 0), sale('a:1', 'A', 1)]);
    await storeSaleLines(db.pool, [sale('a:2', 'A', 2, { quantity: 4, unitPrice: 0.5 })]);

    const order = await getOrder(db.pool, 'A');
    expect(order).toMatchObject({
      orderId: 'A',
      customerId: '17850',
      status: 'placed',
      total: 7,
      orderedAt: '2010-12-01T08:26:00.000Z',
    });
    expect(order?.lines.map((l) => l.sku)).toEqual(['SKU-0', 'SKU-1', 'SKU-2']);
    const customer = await db.pool.query(
      'SELECT orders FROM sales.customers WHERE customer_id = $1',
      ['17850'],
    );
    expect(customer.rows[0].orders).toBe(1);
  });

  it('stores a redelivered line once and leaves the order total as it was', async () => {
    const lines = [sale('b:0', 'B', 0), sale('b:1', 'B', 1)];
    await storeSaleLines(db.pool, lines);
    await storeSaleLines(db.pool, [...lines, lines[0]]);

    const order = await getOrder(db.pool, 'B');
    expect(order?.lines).toHaveLength(2);
    expect(order?.total).toBe(5);
  });

  it('marks an order cancelled when every line is a cancellation', async () => {
    await storeSaleLines(db.pool, [
      sale('c:0', 'C536379', 0, { kind: SaleKind.CANCELLATION, quantity: -1, unitPrice: 27.5 }),
    ]);
    expect(await getOrder(db.pool, 'C536379')).toMatchObject({ status: 'cancelled', total: -27.5 });
  });

  it('marks an order partly returned when a return line joins its sales', async () => {
    await storeSaleLines(db.pool, [
      sale('d:0', 'D', 0),
      sale('d:1', 'D', 1, { kind: SaleKind.RETURN, quantity: -1 }),
    ]);
    expect(await getOrder(db.pool, 'D')).toMatchObject({ status: 'partly returned', total: 1.25 });
  });

  it('stores text as given and times to the millisecond', async () => {
    const description = 'say "hi" \\ back\\slash, tab\there\nnew line — é中 {a,b}';
    await storeSaleLines(db.pool, [
      sale('e:0', 'E', 0, {
        description,
        occurredAt: timestampFromDate(new Date('2011-12-09T12:50:00.123Z')),
      }),
    ]);

    const order = await getOrder(db.pool, 'E');
    expect(order?.lines[0]).toMatchObject({
      description,
      occurredAt: '2011-12-09T12:50:00.123Z',
      unitPrice: 1.25,
    });
  });

  it('refuses a line whose text PostgreSQL cannot store, naming a data error', async () => {
    const refused = storeSaleLines(db.pool, [sale('f:0', 'F', 0, { description: 'nul \u0000' })]);
    await expect(refused).rejects.toMatchObject({ code: expect.stringMatching(/^22/) });
    expect(await getOrder(db.pool, 'F')).toBeUndefined();
  });

  it('finds no order for an unknown id', async () => {
    expect(await getOrder(db.pool, 'nope')).toBeUndefined();
  });

  it('keeps the newest product upsert even when an older one arrives later', async () => {
    const at = (iso: string) => timestampFromDate(new Date(iso));
    const product = (title: string, price: number, when: string) =>
      create(ProductUpsertSchema, {
        sku: '85123A',
        title,
        price,
        currency: 'GBP',
        updatedAt: at(when),
      });
    await storeProducts(db.pool, [
      product('OLD', 2.55, '2010-12-01T00:00:00Z'),
      product('NEW', 2.95, '2011-01-01T00:00:00Z'),
    ]);
    await storeProducts(db.pool, [product('LATE', 1, '2010-06-01T00:00:00Z')]);

    const { rows } = await db.pool.query('SELECT title, price FROM catalog.products');
    expect(rows).toEqual([{ title: 'NEW', price: '2.95' }]);
  });

  it('stores click events once each and counts every fact table', async () => {
    const click = (eventId: string) =>
      create(ClickEventSchema, {
        eventId,
        type: ClickType.VIEW,
        userId: 'taobao:1',
        itemId: 'taobao:2',
        occurredAt: timestampFromDate(new Date('2017-11-26T01:00:00Z')),
        source: 'taobao',
      });
    await storeClickEvents(db.pool, [click('taobao:0'), click('taobao:1')]);
    await storeClickEvents(db.pool, [click('taobao:1')]);

    expect(await countFacts(db.pool)).toEqual({
      saleLines: 9,
      orders: 5,
      customers: 1,
      clickEvents: 2,
      products: 1,
    });
  });
});
