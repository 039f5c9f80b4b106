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
import type { ConsumerHandle } from '@qm/events';
import { DemandRepository } from '../src/adapters/demand-repository';
import { RedisForecastCache } from '../src/adapters/forecast-cache';
import { forecastPublisher } from '../src/adapters/forecast-events';
import { salesConsumer } from '../src/adapters/sales-consumer';
import { RefreshScheduler } from '../src/domain/debounce';
import { forecastSeries } from '../src/domain/forecast';
import { SkuForecasts } from '../src/domain/sku-forecasts';
import { openServiceTestStack, waitFor, type ServiceTestStack } from '@qm/tests';

let stack: ServiceTestStack;
let repo: DemandRepository;
let scheduler: RefreshScheduler;
const handles: ConsumerHandle[] = [];
const updates: ForecastUpdated[] = [];

function line(eventId: string, sku: string, quantity: number, day: string, kind = SaleKind.SALE) {
  const value = create(SaleLineSchema, {
    eventId,
    currency: 'GBP',
    orderId: `o-${eventId}`,
    sku,
    quantity,
    kind,
    occurredAt: timestampFromDate(new Date(`${day}T10:00:00Z`)),
  });
  return { key: sku, value: encode(SaleLineSchema, value) };
}

async function unitsOf(sku: string): Promise<Record<string, number>> {
  const { rows } = await stack.pool.query<{ day: string; units: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, units ` +
      `FROM ${stack.schema}.daily_demand WHERE sku = $1`,
    [sku],
  );
  return Object.fromEntries(rows.map((r) => [r.day, Number(r.units)]));
}

beforeAll(async () => {
  stack = await openServiceTestStack('forecasting', join(__dirname, '..', 'migrations'));
  repo = new DemandRepository(stack.pool, stack.schema);
  const cache = new RedisForecastCache(stack.redis, `${stack.prefix}:`, 60);
  const skus = new SkuForecasts({
    history: (sku) => repo.history(sku),
    forecast: async (series, options, withBacktest) =>
      series.map((s) => forecastSeries(s, options, undefined, withBacktest)),
    cache,
    save: (forecast) => repo.save(forecast),
    publish: forecastPublisher(stack.bus.publisher, stack.bus.topic('forecasts')),
    defaultHorizon: 7,
  });
  scheduler = new RefreshScheduler(
    { quietMs: 200 },
    (list) => skus.refresh(list),
    () => undefined,
  );
  handles.push(
    await stack.bus.runConsumer(
      salesConsumer(stack.bus.topic('sales'), repo, scheduler, `${stack.prefix}.`),
    ),
  );
  handles.push(
    await stack.bus.runConsumer({
      groupId: `${stack.prefix}.reader`,
      topic: stack.bus.topic('forecasts'),
      decode: (bytes) => decode(ForecastUpdatedSchema, bytes),
      handle: async (events) => void updates.push(...events.map((e) => e.value)),
    }),
  );
}, 60_000);

afterAll(async () => {
  await scheduler?.drain();
  for (const h of handles) await h.stop();
  await stack?.teardown();
}, 60_000);

describe('sales consumer on the real stack', () => {
  it('counts each sale once, not returns or cancellations, and publishes a forecast', async () => {
    const sales = stack.bus.topic('sales');
    const first = line('e1', 'SKU-A', 4, '2011-06-01');
    await stack.bus.publisher.publish(sales, [
      first,
      line('e2', 'SKU-A', 2, '2011-06-01'),
      line('e3', 'SKU-A', 5, '2011-06-03'),
      line('e4', 'SKU-A', -3, '2011-06-03', SaleKind.RETURN),
      line('e5', 'SKU-A', -1, '2011-06-03', SaleKind.CANCELLATION),
    ]);
    await stack.bus.publisher.publish(sales, [first]);

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

  it("keeps a day's demand beyond 32 bits exact", async () => {
    const big = 2 ** 31 - 1;
    await repo.apply([
      { eventId: 'big-1', sku: 'SKU-BIG', day: '2011-06-05', quantity: big },
      { eventId: 'big-2', sku: 'SKU-BIG', day: '2011-06-05', quantity: big },
    ]);
    await repo.apply([{ eventId: 'big-3', sku: 'SKU-BIG', day: '2011-06-05', quantity: big }]);
    expect(await unitsOf('SKU-BIG')).toEqual({ '2011-06-05': 3 * big });
    expect((await repo.history('SKU-BIG'))?.y.at(-1)).toBe(3 * big);
  });

  it('drops a sale dated centuries ahead and keeps each history within 20,000 days', async () => {
    await stack.bus.publisher.publish(stack.bus.topic('sales'), [
      line('far-1', 'SKU-FAR', 1, '3000-01-01'),
      line('far-2', 'SKU-FAR', 2, '2011-06-05'),
    ]);
    const units = await waitFor('the sale after the far one', async () => {
      const u = await unitsOf('SKU-FAR');
      return u['2011-06-05'] === 2 ? u : undefined;
    });
    expect(units).toEqual({ '2011-06-05': 2 });

    // The latest day with a sale is 2011-06-05: the window starts 19,999 days before it.
    await repo.apply([
      { eventId: 'old-1', sku: 'SKU-OLD', day: '1900-01-01', quantity: 1 },
      { eventId: 'old-2', sku: 'SKU-OLD', day: '1957-01-01', quantity: 2 },
      { eventId: 'old-3', sku: 'SKU-OLD', day: '2011-06-05', quantity: 3 },
    ]);
    const history = await repo.history('SKU-OLD');
    expect(history?.start).toBe('1957-01-01');
    expect(history?.y.length).toBeLessThanOrEqual(20_000);
    expect(history?.y.reduce((a, b) => a + b, 0)).toBe(5);
  }, 60_000);
});
