import { join } from 'node:path';
import {
  ClickEventSchema,
  ClickType,
  create,
  encode,
  ProductUpsertSchema,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import { createLogger, type ServiceApp } from '@qm/kit';
import { startConsumers } from '../src/adapters/consumers';
import { LiveStore } from '../src/adapters/live';
import { createStore } from '../src/adapters/store';
import { buildApp } from '../src/app';
import { createRecommendations, type Recommendations } from '../src/recommendations';
import { seedShop } from './fixtures';
import { openServiceTestStack, waitFor, type ServiceTestStack } from '@qm/tests';

const log = createLogger('recommendations-test', 'silent');

let stack: ServiceTestStack;
let recs: Recommendations;
let app: ServiceApp;

const ids = async (url: string): Promise<string[]> =>
  (await app.inject({ url })).json().items.map((i: { itemId: string }) => i.itemId);

function sale(eventId: string, customerId: string, sku: string): Buffer {
  return encode(
    SaleLineSchema,
    create(SaleLineSchema, {
      eventId,
      currency: 'GBP',
      orderId: `o-${eventId}`,
      sku,
      quantity: 1,
      customerId,
      kind: SaleKind.SALE,
      occurredAt: timestampFromDate(new Date('2024-03-01T10:00:00Z')),
    }),
  );
}

beforeAll(async () => {
  stack = await openServiceTestStack('recs', join(__dirname, '..', 'migrations'));
  recs = createRecommendations({
    store: createStore(stack.pool, stack.schema),
    live: new LiveStore(stack.redis, `${stack.prefix}:`, 60, 50),
    log,
    historyDays: 3650,
  });
  await seedShop(recs);
  app = await buildApp({ recommendations: recs, log });
  await startConsumers(stack.bus, recs);
}, 90_000);

afterAll(async () => {
  await app?.close();
  await stack?.teardown();
}, 60_000);

describe('recommendations on PostgreSQL, Redis and Kafka', () => {
  it('builds its models from the interactions stored in PostgreSQL', async () => {
    const res = await app.inject({
      url: '/v1/recommendations/users/u1?excludePurchased=false&limit=3',
    });
    expect(res.json().strategy).toBe('blend');
    expect(res.json().items[0]).toMatchObject({ itemId: 'mug', reason: 'repeat-purchase' });
  });

  it("keeps each catalogue's history window, leaving out events dated in the future", async () => {
    const store = createStore(stack.pool, stack.schema);
    const view = (eventId: string, itemId: string, at: string) => ({
      eventId,
      userId: 'window-user',
      itemId,
      kind: 'view' as const,
      basketId: '',
      at: Date.parse(at),
    });
    await store.record([
      view('w1', 'oldshop:a', '2011-01-01T00:00:00Z'),
      view('w2', 'newshop:b', '2019-10-01T00:00:00Z'),
      view('w3', 'newshop:c', '2018-01-01T00:00:00Z'),
      view('w4', 'newshop:z', new Date(Date.now() + 30 * 86_400_000).toISOString()),
    ]);
    const { interactions } = await store.load(30);
    const items = interactions.filter((i) => i.userId === 'window-user').map((i) => i.itemId);
    expect(items.sort()).toEqual(['newshop:b', 'oldshop:a']);
  });

  it('stores a sale delivered three times once, with the results of one delivery', async () => {
    const url = '/v1/recommendations/users/u5?excludePurchased=false';
    const topic = topicName('sales', stack.bus.topicPrefix);
    await stack.bus.publisher.publish(topic, [
      { key: 'teapot', value: sale('dup-1', 'u5', 'teapot') },
    ]);
    await waitFor('the sale applied', async () => {
      const { rows } = await stack.pool.query(
        `SELECT 1 FROM ${stack.schema}.interactions WHERE event_id = 'dup-1'`,
      );
      return rows.length > 0 ? true : undefined;
    });
    const once = (await app.inject({ url })).json();
    expect(once.items).toContainEqual(
      expect.objectContaining({ itemId: 'teapot', reason: 'repeat-purchase' }),
    );

    await stack.bus.publisher.publish(topic, [
      { key: 'teapot', value: sale('dup-1', 'u5', 'teapot') },
      { key: 'teapot', value: sale('dup-1', 'u5', 'teapot') },
      { key: 'saucer', value: sale('after-dup', 'u6', 'saucer') },
    ]);
    await waitFor('the batch after the duplicates', async () => {
      const { rows } = await stack.pool.query(
        `SELECT 1 FROM ${stack.schema}.interactions WHERE event_id = 'after-dup'`,
      );
      return rows.length > 0 ? true : undefined;
    });
    expect((await app.inject({ url })).json()).toEqual(once);
    const { rows } = await stack.pool.query(
      `SELECT count(*)::int AS n FROM ${stack.schema}.interactions WHERE event_id = 'dup-1'`,
    );
    expect(rows[0].n).toBe(1);
    const recent = await stack.redis.lrange(`${stack.prefix}:recent:u5`, 0, -1);
    expect(recent.filter((r) => r.includes('"teapot"'))).toHaveLength(1);
  });

  it('leaves out a product event the contracts refuse, like every other consumer', async () => {
    const product = (sku: string, title: string, at: Date) => ({
      key: sku,
      value: encode(
        ProductUpsertSchema,
        create(ProductUpsertSchema, { sku, title, updatedAt: timestampFromDate(at) }),
      ),
    });
    await stack.bus.publisher.publish(topicName('products', stack.bus.topicPrefix), [
      product('far-ahead', 'Dated in 2999', new Date('2999-01-01T00:00:00Z')),
      product('teapot', 'Teapot after the refused one', new Date('2024-03-01T00:00:00Z')),
    ]);
    await waitFor('the product after it', async () => {
      const { rows } = await stack.pool.query(
        `SELECT 1 FROM ${stack.schema}.products WHERE title = 'Teapot after the refused one'`,
      );
      return rows.length > 0 ? true : undefined;
    });

    const { rows } = await stack.pool.query(
      `SELECT 1 FROM ${stack.schema}.products WHERE item_id = 'far-ahead'`,
    );
    expect(rows).toEqual([]);
  });

  it('changes a user list within a second of applying a view, without retraining', async () => {
    const url = '/v1/recommendations/users/newcomer?limit=5';
    expect((await app.inject({ url })).json().strategy).toBe('popular');
    const click = create(ClickEventSchema, {
      eventId: 'view-1',
      type: ClickType.VIEW,
      userId: 'newcomer',
      sessionId: 's-1',
      itemId: 'candle',
      occurredAt: timestampFromDate(new Date('2024-03-02T10:00:00Z')),
    });
    await stack.bus.publisher.publish(topicName('clickstream', stack.bus.topicPrefix), [
      { key: 'newcomer', value: encode(ClickEventSchema, click) },
    ]);
    const stored = await waitFor('the view stored', async () => {
      const { rows } = await stack.pool.query(
        `SELECT 1 FROM ${stack.schema}.interactions WHERE event_id = 'view-1'`,
      );
      return rows.length > 0 ? Date.now() : undefined;
    });
    const changed = await waitFor(
      'the list to change',
      async () =>
        (await app.inject({ url })).json().strategy === 'blend' ? Date.now() : undefined,
      1000,
    );
    expect(changed - stored).toBeLessThan(1000);
    expect(await ids(url)).toContain('matches');
  });
});
