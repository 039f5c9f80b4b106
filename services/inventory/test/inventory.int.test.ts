import { join } from 'node:path';
import {
  create,
  decode,
  encode,
  ForecastUpdatedSchema,
  RestockSignalSchema,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  topicName,
} from '@qm/contracts';
import { Cache, createLogger, type ServiceApp } from '@qm/kit';
import { startConsumers } from '../src/adapters/consumers';
import { createStore } from '../src/adapters/store';
import { buildApp } from '../src/app';
import type { RestockSignal } from '../src/domain/signals';
import { createInventory, type Inventory } from '../src/inventory';
import { openServiceTestStack, readTopic, waitFor } from '@qm/tests';
import type { ServiceTestStack, TopicReader } from '@qm/tests';

const log = createLogger('inventory-test', 'silent');

let stack: ServiceTestStack;
let inventory: Inventory;
let app: ServiceApp;
let published: TopicReader;

function sale(eventId: string, sku: string, quantity: number, day: string) {
  return encode(
    SaleLineSchema,
    create(SaleLineSchema, {
      eventId,
      currency: 'GBP',
      orderId: `o-${eventId}`,
      sku,
      quantity,
      kind: SaleKind.SALE,
      occurredAt: timestampFromDate(new Date(`${day}T10:00:00Z`)),
    }),
  );
}

async function publishSales(...values: Buffer[]): Promise<void> {
  await stack.bus.publisher.publish(
    topicName('sales', stack.bus.topicPrefix),
    values.map((value) => ({ key: decode(SaleLineSchema, value).sku, value })),
  );
}

async function stockOf(sku: string) {
  const res = await app.inject({ method: 'GET', url: `/v1/inventory/stock/${sku}` });
  return res.statusCode === 200 ? res.json() : undefined;
}

async function movementCount(sku: string): Promise<number> {
  const { rows } = await stack.pool.query(
    `SELECT count(*)::int AS n FROM ${stack.schema}.movements WHERE sku = $1`,
    [sku],
  );
  return rows[0].n;
}

const signalsFor = (sku: string) =>
  published.messages
    .map((m) => decode(RestockSignalSchema, m.value ?? Buffer.alloc(0)))
    .filter((s) => s.sku === sku);

beforeAll(async () => {
  stack = await openServiceTestStack('inventory', join(__dirname, '..', 'migrations'));
  inventory = createInventory({
    pool: stack.pool,
    store: createStore(stack.schema),
    log,
    publisher: stack.bus.publisher,
    signalTopic: topicName('restockSignals', stack.bus.topicPrefix),
    defaultWarehouse: 'main',
    openingStock: 0,
  });
  app = await buildApp({
    inventory,
    log,
    cache: new Cache(stack.redis, `${stack.prefix}:`, 1),
    metrics: stack.metrics,
  });
  await startConsumers(stack.bus, inventory);
  published = await readTopic(stack, topicName('restockSignals', stack.bus.topicPrefix));
}, 60_000);

afterAll(async () => {
  await published?.close();
  await app?.close();
  await stack?.teardown();
}, 60_000);

describe('inventory service on the real stack', () => {
  it('moves stock once when the same sale event arrives twice', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: {
        movements: [{ eventId: 'twice-receipt', sku: 'TWICE', kind: 'RECEIPT', quantity: 10 }],
      },
    });
    const line = sale('twice-1', 'TWICE', 4, '2011-06-01');
    await publishSales(line);
    await publishSales(line, sale('twice-2', 'TWICE', 1, '2011-06-01'));

    await waitFor('both sales applied', async () =>
      (await movementCount('TWICE')) === 3 ? true : undefined,
    );
    const stock = await stockOf('TWICE');
    expect(stock).toMatchObject({ onHand: 5, backorders: 0 });

    // The consumers' counts are on the service's own /metrics.
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    const consumed = new RegExp(
      `^qm_events_consumed_total\\{[^}]*group="${stack.prefix}\\.inventory\\.sales"[^}]*\\} [1-9]`,
      'm',
    );
    expect(metrics.body).toMatch(consumed);
  });

  it('records a sale beyond stock as a backorder and raises one signal per change', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: {
        movements: [{ eventId: 'short-receipt', sku: 'SHORT', kind: 'RECEIPT', quantity: 2 }],
      },
    });
    const beyond = sale('short-1', 'SHORT', 5, '2011-06-02');
    await publishSales(beyond);
    const stock = await waitFor('the backorder', async () => {
      const s = await stockOf('SHORT');
      return s?.backorders === 3 ? s : undefined;
    });
    expect(stock.onHand).toBe(0);
    await waitFor('the first signal', () => (signalsFor('SHORT').length >= 1 ? true : undefined));

    // The duplicate changes nothing; the next sale changes the backorders: one more signal.
    await publishSales(beyond, sale('short-2', 'SHORT', 1, '2011-06-02'));
    await waitFor('the second signal', () => (signalsFor('SHORT').length >= 2 ? true : undefined));
    const published = signalsFor('SHORT');
    expect(published).toHaveLength(2);
    expect(published.map((s) => s.urgency)).toEqual(['critical', 'critical']);
    expect(published[1].reason).toContain('4 units are backordered');
  });

  it('lets a warehouse pull only the signals that changed since its cursor', async () => {
    const first = (
      await app.inject({ method: 'GET', url: '/v1/inventory/restock-signals' })
    ).json();
    expect(first.signals.map((s: { sku: string }) => s.sku)).toContain('SHORT');

    const again = (
      await app.inject({
        method: 'GET',
        url: `/v1/inventory/restock-signals?cursor=${first.nextCursor}`,
      })
    ).json();
    expect(again.signals).toEqual([]);

    await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: {
        movements: [{ eventId: 'short-refill', sku: 'SHORT', kind: 'RECEIPT', quantity: 500 }],
      },
    });
    const changed = (
      await app.inject({
        method: 'GET',
        url: `/v1/inventory/restock-signals?cursor=${first.nextCursor}`,
      })
    ).json();
    expect(changed.signals).toEqual([expect.objectContaining({ sku: 'SHORT', status: 'closed' })]);
  });

  it('numbers signal changes in commit order, so a cursor skips none of them', async () => {
    const store = createStore(stack.schema);
    const signal = (sku: string) => ({ sku, urgency: 'critical' }) as RestockSignal;
    const page = (afterSeq: number) =>
      store.signals(stack.pool, { afterSeq, includeClosed: true, limit: 100 });
    const start = Math.max(0, ...(await page(0)).map((r) => r.seq));
    const early = await stack.pool.connect();
    const late = await stack.pool.connect();
    try {
      await early.query('BEGIN');
      await late.query('BEGIN');
      await store.saveSignal(early, 'ORDER-A', 'main', signal('ORDER-A'), 'a');
      // The later change commits first, unless it has to wait for the earlier one.
      const later = store
        .saveSignal(late, 'ORDER-B', 'main', signal('ORDER-B'), 'b')
        .then(() => late.query('COMMIT'));
      await Promise.race([later, new Promise((resolve) => setTimeout(resolve, 300))]);
      const first = await page(start);
      await early.query('COMMIT');
      await later;

      const cursor = Math.max(start, ...first.map((r) => r.seq));
      const seen = [...first, ...(await page(cursor))].map((r) => r.sku);
      expect(seen.filter((sku) => sku.startsWith('ORDER-')).sort()).toEqual(['ORDER-A', 'ORDER-B']);
    } finally {
      await early.query('ROLLBACK').catch(() => undefined);
      await late.query('ROLLBACK').catch(() => undefined);
      early.release();
      late.release();
    }
  });

  it('publishes the changes of one signal in order when an earlier publish is slow', async () => {
    const published: string[] = [];
    let release: () => void = () => undefined;
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let slow: Promise<void> | undefined = new Promise<void>((resolve) => (release = resolve));
    const own = createInventory({
      pool: stack.pool,
      store: createStore(stack.schema),
      log,
      publisher: {
        async publish(_topic, messages) {
          const wait = slow;
          slow = undefined;
          if (wait !== undefined) {
            held();
            await wait;
          }
          for (const m of messages) {
            const signal = decode(RestockSignalSchema, m.value as Buffer);
            if (signal.sku === 'SLOW') published.push(signal.urgency);
          }
        },
      },
      signalTopic: 'unused',
      defaultWarehouse: 'main',
      openingStock: 0,
    });
    const move = (eventId: string, kind: 'SALE' | 'RECEIPT', quantity: number) =>
      own.applyMovements([
        { eventId, sku: 'SLOW', kind, quantity, occurredAt: new Date('2011-06-02T10:00:00Z') },
      ]);

    const opened = move('slow-sale', 'SALE', 3);
    await holding;
    const closed = move('slow-refill', 'RECEIPT', 500);
    // Time for the second change to go out, unless it waits for the first.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 300))]);
    release();
    await Promise.all([opened, closed]);

    expect(published).toEqual(['critical', 'none']);
  });

  it('answers 400 naming the cursor for a stock cursor holding a NUL, not 500', async () => {
    const cursor = Buffer.from(JSON.stringify(['A\u0000', 'main'])).toString('base64url');

    const res = await app.inject({ method: 'GET', url: `/v1/inventory/stock?cursor=${cursor}` });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
  });

  it('keeps both of two settings changes to different fields sent at once', async () => {
    const skus = ['BOTH-1', 'BOTH-2', 'BOTH-3'];
    const put = (sku: string, payload: object) =>
      app.inject({ method: 'PUT', url: `/v1/inventory/settings/${sku}`, payload });

    await Promise.all(
      skus.flatMap((sku) => [put(sku, { leadTimeDays: 21 }), put(sku, { packSize: 12 })]),
    );

    for (const sku of skus) {
      const res = await app.inject({ method: 'GET', url: `/v1/inventory/settings/${sku}` });
      expect(res.json()).toMatchObject({ leadTimeDays: 21, packSize: 12 });
    }
  });

  describe('with policies cached for a minute by two instances', () => {
    const instances: ServiceApp[] = [];

    beforeAll(async () => {
      const cache = new Cache(stack.redis, `${stack.prefix}:minute:`, 60);
      for (let i = 0; i < 2; i++) instances.push(await buildApp({ inventory, log, cache }));
    });

    afterAll(async () => {
      await Promise.all(instances.map((instance) => instance.close()));
    });

    it("answers from a SKU's new settings as soon as another instance changed them", async () => {
      const [first, second] = instances;
      const put = (leadTimeDays: number) =>
        second.inject({
          method: 'PUT',
          url: '/v1/inventory/settings/FRESH',
          payload: { leadTimeDays },
        });
      const policy = async (url: string) =>
        (await first.inject({ method: 'GET', url })).json<{ leadTimeDays: number }>();
      const urls = ['/v1/inventory/policies/FRESH', '/v1/inventory/policies/FRESH?warehouse=main'];
      const receipt = await first.inject({
        method: 'POST',
        url: '/v1/inventory/movements',
        payload: { movements: [{ eventId: 'fresh', sku: 'FRESH', kind: 'RECEIPT', quantity: 1 }] },
      });
      expect(receipt.statusCode).toBe(200);
      expect((await put(7)).statusCode).toBe(200);
      for (const url of urls) expect(await policy(url)).toMatchObject({ leadTimeDays: 7 });

      expect((await put(21)).statusCode).toBe(200);

      for (const url of urls) expect(await policy(url)).toMatchObject({ leadTimeDays: 21 });
    });
  });

  it('answers a policy from history, then from a forecast, and 404 when unknown', async () => {
    const days = Array.from({ length: 60 }, (_, i) =>
      new Date(Date.UTC(2011, 3, 1 + i)).toISOString().slice(0, 10),
    );
    await publishSales(...days.map((d, i) => sale(`hist-${i}`, 'HIST', 5 + (i % 4) * 3, d)));
    await waitFor('the history', async () =>
      (await movementCount('HIST')) === days.length ? true : undefined,
    );

    const fromHistory = await app.inject({
      method: 'GET',
      url: '/v1/inventory/policies/HIST?leadTimeDays=7&serviceLevel=0.95',
    });
    expect(fromHistory.statusCode).toBe(200);
    expect(fromHistory.json()).toMatchObject({ sku: 'HIST', method: 'empirical-bootstrap' });

    await stack.bus.publisher.publish(topicName('forecasts', stack.bus.topicPrefix), [
      {
        key: 'HIST',
        value: encode(
          ForecastUpdatedSchema,
          create(ForecastUpdatedSchema, {
            sku: 'HIST',
            model: 'test',
            start: '2011-06-03',
            mean: Array(28).fill(50),
            lower95: Array(28).fill(30),
            upper95: Array(28).fill(70),
            computedAt: timestampFromDate(new Date()),
          }),
        ),
      },
    ]);
    const stock = await waitFor('the forecast policy', async () => {
      const s = await stockOf('HIST');
      return s?.warehouses[0]?.policy?.method === 'forecast-quantile' ? s : undefined;
    });
    expect(stock.warehouses[0].policy.reorderPoint).toBeGreaterThanOrEqual(400);

    const unknown = await app.inject({ method: 'GET', url: '/v1/inventory/policies/NEVER' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().field).toBe('sku');
  });

  it('answers 404 naming a warehouse the SKU was never in, for its policy', async () => {
    const receipt = await app.inject({
      method: 'POST',
      url: '/v1/inventory/movements',
      payload: { movements: [{ eventId: 'wh-1', sku: 'WH', kind: 'RECEIPT', quantity: 4 }] },
    });
    expect(receipt.statusCode).toBe(200);

    const elsewhere = await app.inject({
      method: 'GET',
      url: '/v1/inventory/policies/WH?warehouse=NOPE',
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json()).toMatchObject({ code: 'WAREHOUSE_NOT_FOUND', field: 'warehouse' });
    expect(elsewhere.json().message).toContain('NOPE');

    const here = await app.inject({
      method: 'GET',
      url: '/v1/inventory/policies/WH?warehouse=main',
    });
    expect(here.statusCode).toBe(200);
    expect(here.json()).toMatchObject({ sku: 'WH', inventoryPosition: 4 });
  });

  it('keeps consuming sales and forecasts with totals far beyond any real SKU', async () => {
    const runaway = (mean: number) =>
      encode(
        ForecastUpdatedSchema,
        create(ForecastUpdatedSchema, {
          sku: 'RUNAWAY',
          model: 'test',
          start: '2011-06-03',
          mean: Array(28).fill(mean),
          lower95: Array(28).fill(mean),
          upper95: Array(28).fill(mean),
          computedAt: timestampFromDate(new Date()),
        }),
      );
    // A line moves at most a million units; the backorders of many are set at once here.
    await publishSales(sale('runaway-1', 'RUNAWAY', 1_000_000, '2011-06-02'));
    await waitFor('the first sale', async () =>
      (await movementCount('RUNAWAY')) === 1 ? true : undefined,
    );
    await stack.pool.query(
      `UPDATE ${stack.schema}.stock SET backorders = 2147483000 WHERE sku = 'RUNAWAY'`,
    );
    // The second sale takes backorders past the ledger's 32-bit range: dead-lettered alone.
    await publishSales(
      sale('runaway-2', 'RUNAWAY', 1_000_000, '2011-06-02'),
      sale('after-runaway', 'CALM', 3, '2011-06-02'),
    );
    await waitFor('the sale after the runaway one', async () =>
      (await movementCount('CALM')) === 1 ? true : undefined,
    );

    await stack.bus.publisher.publish(topicName('forecasts', stack.bus.topicPrefix), [
      { key: 'RUNAWAY', value: runaway(137_088_940_589) },
    ]);
    const stock = await waitFor('the runaway forecast applied', async () => {
      const s = await stockOf('RUNAWAY');
      return s?.warehouses[0]?.policy?.method === 'forecast-quantile' ? s : undefined;
    });
    const { policy } = stock.warehouses[0];
    expect(stock.backorders).toBe(2147483000);
    for (const key of ['reorderPoint', 'orderUpTo', 'orderQuantity', 'daysOfCover']) {
      expect(Number.isFinite(policy[key])).toBe(true);
    }
    expect(policy.orderQuantity).toBeGreaterThan(2147483647);

    // Each day of the path is read as at most a billion units.
    const res = await app.inject({ method: 'GET', url: '/v1/inventory/policies/RUNAWAY' });
    expect(res.statusCode).toBe(200);
    expect(res.json().meanDailyDemand).toBe(1e9);
    expect(await movementCount('RUNAWAY')).toBe(1);
  });

  it("sums a day's demand beyond 32 bits and reads it back as a number", async () => {
    const store = createStore(stack.schema);
    const big = 2 ** 31 - 1;
    const row = { sku: 'BULK', warehouse: 'main', day: '2011-06-02', units: big };
    await store.addDemand(stack.pool, [row, row]);
    await store.addDemand(stack.pool, [row]);

    const histories = await store.histories(stack.pool, [['BULK', 'main']], '2011-06-02', 3);
    expect(histories.get('BULK\u0000main')).toEqual([0, 0, 3 * big]);
    const history = await store.history(stack.pool, 'BULK', null, '2011-06-02', 3);
    expect(history).toEqual([0, 0, 3 * big]);
  });

  it('answers 409 and stores nothing when movements would leave the ledger range', async () => {
    const post = (eventId: string, kind: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/inventory/movements',
        payload: { movements: [{ eventId, sku: 'HUGE', kind, quantity: 1_000_000 }] },
      });
    expect((await post('huge-0', 'RECEIPT')).statusCode).toBe(200);
    await stack.pool.query(
      `UPDATE ${stack.schema}.stock SET on_hand = 2147000000, on_order = 2147000000
       WHERE sku = 'HUGE'`,
    );

    for (const kind of ['RECEIPT', 'ORDER']) {
      const res = await post(`huge-${kind}`, kind);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        statusCode: 409,
        code: 'STOCK_OUT_OF_RANGE',
        error: 'Conflict',
        field: 'movements',
      });
    }
    expect(await stockOf('HUGE')).toMatchObject({ onHand: 2147000000, onOrder: 2147000000 });
    expect(await movementCount('HUGE')).toBe(1);
  });

  it('recomputes every SKU once per business date, not on every sweep', async () => {
    const computedAt = async () => {
      const { rows } = await stack.pool.query(
        `SELECT computed_at FROM ${stack.schema}.policies WHERE sku = 'TWICE'`,
      );
      return (rows[0].computed_at as Date).getTime();
    };
    const before = await computedAt();
    await inventory.refreshIfNewDay();
    const first = await computedAt();
    await inventory.refreshIfNewDay();
    expect(first).toBeGreaterThan(before);
    expect(await computedAt()).toBe(first);
  });
});
