import type { ForecastResult } from '../src/domain/forecast';
import { SkuForecasts, type SkuForecast } from '../src/domain/sku-forecasts';

/** Forecasts every day at the number of days of history, so a new day shows. */
function flatForecast(y: number[], horizon: number): ForecastResult {
  const mean = new Array<number>(horizon).fill(y.length);
  return { id: 'x', model: 'flat', start: '2011-01-01', mean, lower: {}, upper: {}, warnings: [] };
}

describe('SkuForecasts', () => {
  let history: number[];
  let cache: Map<string, SkuForecast>;
  let skus: SkuForecasts;

  beforeEach(() => {
    history = [1, 2, 3];
    cache = new Map();
    skus = new SkuForecasts({
      history: async () => ({ start: '2011-01-01', y: history, version: history.length }),
      forecast: async (_series, options) => [flatForecast(history, options.horizon)],
      cache: {
        get: async (sku, horizon) => cache.get(`${sku}:${horizon}`),
        offer: async (f) => void cache.set(`${f.sku}:${f.mean.length}`, f),
        replace: async (f) => {
          for (const key of cache.keys()) if (key.startsWith(`${f.sku}:`)) cache.delete(key);
          cache.set(`${f.sku}:${f.mean.length}`, f);
        },
      },
      defaultHorizon: 7,
    });
  });

  it.each([7, 14, 30, 90, 366])(
    'answers a %i-day forecast from the new history once the SKU was refreshed',
    async (horizon) => {
      expect((await skus.get('A', horizon)).mean[0]).toBe(3);

      history = [...history, 4];
      await skus.refresh(['A']);

      expect((await skus.get('A', horizon)).mean[0]).toBe(4);
    },
  );
});
