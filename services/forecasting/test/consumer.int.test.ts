import { join } from 'node:path';
import {
  create,
  encode,
  ForecastUpdatedSchema,
  decode,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  type ForecastUpdated,
} from '@qm/contracts';
import { createEventBus, type ConsumerHandle, type EventBus } from '@qm/events';
import {
  Cache,
  createLogger,
  createPool,
  createRedis,
  migrate,
  type Pool,
  type Redis,
} from '@qm/kit';
import { DemandRepository } from '../src/adapters/demand-repository';
import { forecastPublisher } from '../src/adapters/forecast-events';
import { salesConsumer } from '../src/adapters/sales-consumer';
import { RefreshScheduler } from '../src/domain/debounce';
import { forecastSeries } from '../src/domain/forecast';
import { SkuForecasts, type SkuForecast } from '../src/domain/sku-forecasts';
import { BROKERS, DATABASE_URL, REDIS_URL, uniqueName, waitFor } from '@qm/tests';

const prefix = uniqueName('forecasting');
const schema = prefix.replace(/-/g, '_');
const log = createLogger('forecasting-test', 'silent');

let db: Pool;
let redis: Redis;
let bus: EventBus;
let repo: DemandRepository;
let scheduler: RefreshScheduler;
const handles: ConsumerHandle[] = [];
const updates: ForecastUpdated[] = [];

function line(eventId: string, sku: string, quantity: number, day: string, kind = SaleKind.SALE) {
  const value = create(SaleLineSchema, {
    eventId,
    orderId: `o-${eventId}`,
    sku,
    quantity,
    kind,
    occurredAt: timestampFromDate(new Date(`${day}T10:00:00Z`)),
  });
  return { key: sku, value: encode(SaleLineSchema, value) };
}

async function unitsOf(sku: string): Promise<Record<string, number>> {
  const { rows } = await db.query<{ day: string; units: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, units FROM ${schema}.daily_demand WHERE sku = $1`,
    [sku],
  );
  return Object.fromEntries(rows.map((r) => [r.day, Number(r.units)]));
}

beforeAll(async () => {
  await migrate({
    databaseUrl: DATABASE_URL,
    schema,
    dir: join(__dirname, '..', 'migrations'),
    log,
  });
  db = createPool(DATABASE_URL, log, { max: 4 });
  redis = createRedis(REDIS_URL, log);
  bus = createEventBus({
    brokers: BROKERS,
    clientId: prefix,
    log,
    topicPrefix: `${prefix}.`,
    consumer: {
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 100,
    },
  });
  await bus.ensureTopics();
  repo = new DemandRepository(db, schema);
  const cache = new Cache(redis, `${prefix}:`, 60);
  const skus = new SkuForecasts({
    history: (sku) => repo.history(sku),
    forecast: async (series, options, withBacktest) =>
      series.map((s) => forecastSeries(s, options, undefined, withBacktest)),
    cache: {
      get: (key) => cache.get<SkuForecast>(key),
      set: (key, value) => cache.set(key, value),
      delete: (...keys) => cache.delete(...keys),
    },
    save: (forecast) => repo.save(forecast),
    publish: forecastPublisher(bus.publisher, bus.topic('forecasts')),
    defaultHorizon: 7,
  });
  scheduler = new RefreshScheduler(
    200,
    (list) => skus.refresh(list),
    () => undefined,
  );
  const touch = (list: string[]) => scheduler.touch(list);
  handles.push(await bus.runConsumer(salesConsumer(bus.topic('sales'), repo, touch, `${prefix}.`)));
  handles.push(
    await bus.runConsumer({
      groupId: `${prefix}.reader`,
      topic: bus.topic('forecasts'),
      decode: (bytes) => decode(ForecastUpdatedSchema, bytes),
      handle: async (events) => void updates.push(...events.map((e) => e.value)),
    }),
  );
}, 60_000);

afterAll(async () => {
  await scheduler?.drain();
  for (const h of handles) await h.stop();
  await bus?.close();
  const admin = await createEventBus({
    brokers: BROKERS,
    clientId: `${prefix}-admin`,
    log,
  }).admin();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  const { groups } = await admin.listGroups();
  const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (mine.length > 0) await admin.deleteGroups(mine);
  await admin.disconnect();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
}, 60_000);

describe('sales consumer on the real stack', () => {
  it('counts each sale once, leaves returns and cancellations out, and publishes a forecast', async () => {
    const sales = bus.topic('sales');
    const first = line('e1', 'SKU-A', 4, '2011-06-01');
    await bus.publisher.publish(sales, [
      first,
      line('e2', 'SKU-A', 2, '2011-06-01'),
      line('e3', 'SKU-A', 5, '2011-06-03'),
      line('e4', 'SKU-A', -3, '2011-06-03', SaleKind.RETURN),
      line('e5', 'SKU-A', -1, '2011-06-03', SaleKind.CANCELLATION),
    ]);
    await bus.publisher.publish(sales, [first]);

    const units = await waitFor('demand of SKU-A', async () => {
      const u = await unitsOf('SKU-A');
      return u['2011-06-03'] === 5 ? u : undefined;
    });
    expect(units).toEqual({ '2011-06-01': 6, '2011-06-03': 5 });

    const update = await waitFor('a ForecastUpdated for SKU-A', () =>
      updates.find((u) => u.sku === 'SKU-A'),
    );
    expect(update.start).toBe('2011-06-04');
    expect(update.mean).toHaveLength(7);
    expect(update.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const stored = await repo.stored('SKU-A');
    expect(stored?.mean).toEqual(update.mean);
  }, 60_000);
});
