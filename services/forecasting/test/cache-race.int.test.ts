import { join } from 'node:path';
import { dropKeys } from '@qm/kit';
import { DemandRepository } from '../src/adapters/demand-repository';
import { RedisForecastCache } from '../src/adapters/forecast-cache';
import type { ForecastResult } from '../src/domain/forecast';
import type { Series } from '../src/domain/series';
import { SkuForecasts, type SkuForecast } from '../src/domain/sku-forecasts';
import { openServiceTestStack, type ServiceTestStack } from '@qm/tests';

/** Holds the next call that passes it until released, and tells when that call arrived. */
class Gate {
  private waiting: { arrived: () => void; released: Promise<void> } | undefined;

  arm(): { arrived: Promise<void>; release: () => void } {
    let release!: () => void;
    let arrived!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    this.waiting = { arrived, released };
    return { arrived: arrival, release };
  }

  async pass(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    waiting.arrived();
    await waiting.released;
  }
}

/** Forecasts every day at the units sold in the whole history, so a new sale shows. */
function totalForecast(series: Series, horizon: number): ForecastResult {
  const total = series.y.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(horizon).fill(total);
  return {
    id: series.id,
    model: 'total',
    start: '2011-06-03',
    mean,
    lower: {},
    upper: {},
    warnings: [],
  };
}

let stack: ServiceTestStack;
let repo: DemandRepository;
let skus: SkuForecasts;
const model = new Gate();
const storedRead = new Gate();

beforeAll(async () => {
  stack = await openServiceTestStack('forecast-cache', join(__dirname, '..', 'migrations'));
  repo = new DemandRepository(stack.pool, stack.schema);
  const cache = new RedisForecastCache(stack.redis, `${stack.prefix}:`, 60);
  skus = new SkuForecasts({
    history: (sku) => repo.history(sku),
    forecast: async (series, options) => {
      await model.pass();
      return series.map((s) => totalForecast(s, options.horizon));
    },
    cache,
    save: (forecast) => repo.save(forecast),
    stored: async (sku) => {
      const forecast = await repo.stored(sku);
      await storedRead.pass();
      return forecast;
    },
    defaultHorizon: 7,
  });
}, 60_000);

afterAll(async () => {
  await stack?.teardown();
}, 60_000);

async function sell(sku: string, n: number, day: string, quantity: number): Promise<void> {
  await repo.apply([{ eventId: `${sku}-${n}`, sku, day, quantity }]);
}

/**
 * Starts a `get` that stops at `gate` with what it read of the SKU's first sale (3 units),
 * then sells 4 more and refreshes the SKU before letting the `get` finish.
 */
async function getAcrossRefresh(sku: string, horizon: number, gate: Gate): Promise<void> {
  const paused = gate.arm();
  const slow = skus.get(sku, horizon);
  await paused.arrived;
  await sell(sku, 2, '2011-06-02', 4);
  await skus.refresh([sku]);
  paused.release();
  await slow;
}

describe('forecasts across a refresh', () => {
  it.each([7, 14])(
    'keeps the refreshed answer when a %i-day forecast of older history finishes later',
    async (horizon) => {
      const sku = `SKU-MODEL-${horizon}`;
      await sell(sku, 1, '2011-06-01', 3);

      await getAcrossRefresh(sku, horizon, model);

      expect((await skus.get(sku, horizon)).mean[0]).toBe(7);
    },
  );

  it('keeps the refreshed answer when a stored one read before it is cached later', async () => {
    const sku = 'SKU-STORED';
    await sell(sku, 1, '2011-06-01', 3);
    await skus.refresh([sku]);
    // As if the cached answer had expired: the next get reads the stored forecast.
    await dropKeys(stack.redis, `${stack.prefix}:forecast:${sku}:*`);

    await getAcrossRefresh(sku, 7, storedRead);

    expect((await skus.get(sku, 7)).mean[0]).toBe(7);
  });

  it('keeps the stored forecast of newer demand when one of older demand is saved', async () => {
    const sku = 'SKU-SAVED';
    await sell(sku, 1, '2011-06-01', 3);
    await skus.refresh([sku]);
    const older = await repo.stored(sku);
    await sell(sku, 2, '2011-06-02', 4);
    await skus.refresh([sku]);

    await repo.save(older as SkuForecast);

    expect((await repo.stored(sku))?.mean[0]).toBe(7);
  });
});
