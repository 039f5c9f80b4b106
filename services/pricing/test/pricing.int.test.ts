import { join } from 'node:path';
import {
  ClickEventSchema,
  ClickType,
  create,
  decode,
  encode,
  PriceChangeSchema,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import { Cache, createLogger, inTransaction, type ServiceApp } from '@qm/kit';
import { startConsumers } from '../src/adapters/consumers';
import { productInput, saleInput } from '../src/adapters/messages';
import { applyProducts, applySales } from '../src/adapters/store';
import { buildApp } from '../src/app';
import { createEstimator } from '../src/estimates';
import { createExperiments } from '../src/experiments';
import { createPricing } from '../src/pricing';
import { openServiceTestStack, readTopic, waitFor } from '@qm/tests';
import type { ServiceTestStack, TopicReader } from '@qm/tests';

// The consumer groups' first join can take tens of seconds on a busy machine.
jest.setTimeout(180_000);
const EVENTS_MS = 90_000;

const log = createLogger('pricing-test', 'silent');

let stack: ServiceTestStack;
let app: ServiceApp;
let published: TopicReader;

function sale(eventId: string, sku: string, quantity: number, price: number, day: string) {
  return encode(
    SaleLineSchema,
    create(SaleLineSchema, {
      eventId,
      currency: 'GBP',
      orderId: `o-${eventId}`,
      sku,
      quantity,
      unitPrice: price,
      kind: SaleKind.SALE,
      customerId: `c${eventId.length % 7}`,
      occurredAt: timestampFromDate(new Date(`${day}T10:00:00Z`)),
    }),
  );
}

async function publish(topic: 'sales' | 'products' | 'clickstream', values: Buffer[]) {
  await stack.bus.publisher.publish(
    topicName(topic, stack.bus.topicPrefix),
    values.map((value, i) => ({ key: `k${i % 3}`, value })),
  );
}

async function unitsStored(sku: string): Promise<number> {
  const { rows } = await stack.pool.query<{ n: number | null }>(
    'SELECT sum(units)::float8 AS n FROM daily_points WHERE sku = $1',
    [sku],
  );
  return rows[0].n ?? 0;
}

const changesFor = (id: string) =>
  published.messages
    .map((m) => decode(PriceChangeSchema, m.value ?? Buffer.alloc(0)))
    .filter((c) => c.recommendationId === id);

beforeAll(async () => {
  stack = await openServiceTestStack('pricing', join(__dirname, '..', 'migrations'), {
    searchPath: true,
  });
  const estimator = createEstimator({ pool: stack.pool, log, refreshSeconds: 1 });
  const pricing = createPricing({
    pool: stack.pool,
    log,
    estimator,
    cache: new Cache(stack.redis, `${stack.prefix}:`, 30),
    publisher: stack.bus.publisher,
    priceTopic: topicName('priceChanges', stack.bus.topicPrefix),
    stock: async () => undefined,
    defaultCostRatio: 0.6,
    currency: 'GBP',
  });
  const experiments = createExperiments({ pool: stack.pool, log });
  app = await buildApp({ pricing, experiments, log });
  await startConsumers(stack.bus, { pool: stack.pool, experiments });
  published = await readTopic(stack, topicName('priceChanges', stack.bus.topicPrefix));
}, 60_000);

afterAll(async () => {
  await published?.close();
  await app?.close();
  await stack?.teardown();
}, 60_000);

describe('pricing service on the real stack', () => {
  it('keeps the newest of two price updates of one SKU within one batch', async () => {
    const product = (price: number, day: string) =>
      productInput(
        create(ProductUpsertSchema, {
          sku: 'BOWL',
          price,
          cost: 1,
          currency: 'GBP',
          updatedAt: timestampFromDate(new Date(`${day}T12:00:00Z`)),
        }),
      );
    const batch = [product(4.5, '2011-04-02'), product(3.5, '2011-04-01')];
    await inTransaction(stack.pool, (client) => applyProducts(client, batch));
    const { rows } = await stack.pool.query('SELECT price FROM skus WHERE sku = $1', ['BOWL']);
    expect(rows).toEqual([{ price: 4.5 }]);
  });

  it('keeps the newer category and cost of a SKU when an older event comes after', async () => {
    const product = (sku: string, category: string, cost: number, day: string) =>
      productInput(
        create(ProductUpsertSchema, {
          sku,
          category,
          cost,
          currency: 'GBP',
          updatedAt: timestampFromDate(new Date(`${day}T12:00:00Z`)),
        }),
      );
    const facts = async (sku: string) =>
      (await stack.pool.query('SELECT category, unit_cost FROM skus WHERE sku = $1', [sku])).rows;

    await inTransaction(stack.pool, (c) =>
      applyProducts(c, [product('PLATE', 'kitchen', 2, '2011-04-02')]),
    );
    await inTransaction(stack.pool, (c) =>
      applyProducts(c, [product('PLATE', 'garden', 1, '2011-04-01')]),
    );
    await inTransaction(stack.pool, (c) =>
      applyProducts(c, [
        product('CUP', 'kitchen', 2, '2011-04-02'),
        product('CUP', 'garden', 1, '2011-04-01'),
      ]),
    );

    expect(await facts('PLATE')).toEqual([{ category: 'kitchen', unit_cost: 2 }]);
    expect(await facts('CUP')).toEqual([{ category: 'kitchen', unit_cost: 2 }]);
  });

  it('counts a sale delivered twice within one batch once', async () => {
    const line = decode(SaleLineSchema, sale('twice', 'JUG', 7, 3, '2011-04-01'));
    const batch = [saleInput(line), saleInput(line), saleInput(line)];
    await inTransaction(stack.pool, (client) => applySales(client, batch));
    await inTransaction(stack.pool, (client) => applySales(client, batch.slice(0, 1)));
    expect(await unitsStored('JUG')).toBe(7);
  });

  it('answers a new recommendation, not the cached one, once a sale moved the price', async () => {
    const sell = (eventId: string, price: number) =>
      inTransaction(stack.pool, (client) =>
        applySales(client, [
          saleInput(decode(SaleLineSchema, sale(eventId, 'VASE', 5, price, '2011-05-01'))),
        ]),
      );
    const recommend = async () =>
      (await app.inject({ method: 'GET', url: '/v1/pricing/VASE/recommendation' })).json<{
        id: string;
        currentPrice: number;
      }>();
    await sell('vase-1', 4);
    const before = await recommend();
    expect(before.currentPrice).toBe(4);

    await sell('vase-2', 5);
    const after = await recommend();

    expect(after.id).not.toBe(before.id);
    expect(after.currentPrice).toBe(5);
    const approved = await app.inject({
      method: 'POST',
      url: `/v1/pricing/recommendations/${after.id}/approve`,
      payload: { approvedBy: 'ana' },
    });
    // Current, as it is not refused as stale; with one price ever it keeps the price.
    expect(approved.json()).toMatchObject({ code: 'NO_PRICE_CHANGE' });
  });

  it('stores each sale once; approving a recommendation makes one price-change event', async () => {
    // 90 days of demand 100 · p^-0.5 at four prices: inelastic, so the price goes up a step.
    const prices = [2, 2.2, 2.5, 2.8];
    const lines = Array.from({ length: 90 }, (_, i) => {
      const day = new Date(Date.UTC(2011, 2, 1 + i)).toISOString().slice(0, 10);
      const price = prices[i % 4];
      return sale(
        `s${i}`,
        'MUG',
        Math.round(100 * price ** -0.5 * (1 + 0.05 * Math.sin(i))),
        price,
        day,
      );
    });
    const expected = lines.reduce((s, v) => s + decode(SaleLineSchema, v).quantity, 0);
    await publish('sales', lines);
    await publish('sales', lines.slice(0, 10));
    await publish('products', [
      encode(
        ProductUpsertSchema,
        create(ProductUpsertSchema, {
          sku: 'MUG',
          category: 'kitchen',
          price: 2.8,
          cost: 1.1,
          currency: 'GBP',
          updatedAt: timestampFromDate(new Date('2011-05-29T12:00:00Z')),
        }),
      ),
    ]);
    await waitFor(
      'every sale',
      async () => ((await unitsStored('MUG')) === expected ? true : undefined),
      EVENTS_MS,
    );
    await waitFor('the product', async () => {
      const { rows } = await stack.pool.query('SELECT unit_cost FROM skus WHERE sku = $1', ['MUG']);
      return rows[0]?.unit_cost === 1.1 ? true : undefined;
    });

    const rec = await app.inject({
      method: 'GET',
      url: '/v1/pricing/MUG/recommendation?objective=margin',
    });
    expect(rec.statusCode).toBe(200);
    const body = rec.json();
    expect(body).toMatchObject({ sku: 'MUG', costSource: 'product', unitCost: 1.1 });
    expect(body.elasticity).toBeLessThan(0);
    expect(body.recommendedPrice).toBeGreaterThan(body.currentPrice);
    // Every line here is of 12 units or more: a buyer is wholesale from their second line on,
    // so retail holds only each buyer's first line, too little to estimate from.
    const bySegment = async (segment: string) =>
      (
        await app.inject({
          method: 'GET',
          url: `/v1/pricing/MUG/recommendation?segment=${segment}`,
        })
      ).json();
    const wholesale = await bySegment('wholesale');
    expect(wholesale.segment).toBe('wholesale');
    expect(wholesale.elasticity).toBeLessThan(0);
    expect((await bySegment('retail')).boundBy).toEqual(['elasticity']);

    const approve = () =>
      app.inject({
        method: 'POST',
        url: `/v1/pricing/recommendations/${body.id}/approve`,
        payload: { approvedBy: 'ana' },
      });
    const first = await approve();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ alreadyApproved: false, approvedBy: 'ana' });
    const second = await approve();
    expect(second.json()).toMatchObject({ alreadyApproved: true, approvedBy: 'ana' });

    // A later approval of the same SKU lands on the same partition after any duplicate.
    const next = (
      await app.inject({ method: 'GET', url: '/v1/pricing/MUG/recommendation' })
    ).json();
    expect(next.id).not.toBe(body.id);
    expect(next.currentPrice).toBe(body.recommendedPrice);
    await app.inject({
      method: 'POST',
      url: `/v1/pricing/recommendations/${next.id}/approve`,
      payload: { approvedBy: 'ben' },
    });
    await waitFor('the later change', () => (changesFor(next.id).length > 0 ? true : undefined));
    const published = changesFor(body.id);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      sku: 'MUG',
      approvedBy: 'ana',
      newPrice: body.recommendedPrice,
    });

    const audit = (
      await app.inject({ method: 'GET', url: '/v1/pricing/MUG/price-changes' })
    ).json();
    expect(audit.changes.map((c: { approvedBy: string }) => c.approvedBy)).toEqual(['ben', 'ana']);
  });

  it('counts experiment exposures and purchases from the clickstream', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/pricing/experiments',
      payload: {
        sku: 'LAMP',
        arms: [
          { name: 'control', price: 10 },
          { name: 'low', price: 9 },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const exp = created.json();
    const click = (eventId: string, userId: string, type: ClickType, price = 0) =>
      encode(
        ClickEventSchema,
        create(ClickEventSchema, {
          eventId,
          type,
          userId,
          itemId: 'LAMP',
          price,
          quantity: 1,
          occurredAt: timestampFromDate(new Date()),
        }),
      );
    const views = Array.from({ length: 40 }, (_, i) => click(`v${i}`, `u${i}`, ClickType.VIEW));
    await publish('clickstream', views);
    await waitFor(
      'the exposures',
      async () => {
        const r = (
          await app.inject({ method: 'GET', url: `/v1/pricing/experiments/${exp.id}` })
        ).json();
        const visitors = r.results.reduce(
          (s: number, a: { visitors: number }) => s + a.visitors,
          0,
        );
        return visitors === 40 ? true : undefined;
      },
      EVENTS_MS,
    );
    const buy = await app.inject({
      method: 'GET',
      url: `/v1/pricing/experiments/${exp.id}/assignment?unitId=u3`,
    });
    const { price, arm } = buy.json();
    await publish('clickstream', [click('p3', 'u3', ClickType.PURCHASE, price)]);
    const report = await waitFor('the purchase', async () => {
      const r = (
        await app.inject({ method: 'GET', url: `/v1/pricing/experiments/${exp.id}` })
      ).json();
      const a = r.results.find((x: { name: string }) => x.name === arm);
      return a.conversions === 1 ? a : undefined;
    });
    expect(report.revenue).toBe(price);
  });
});
