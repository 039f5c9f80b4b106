import { ForecastErrors } from '../errors';
import type { BacktestRow } from './auto';
import type { ForecastOptions, ForecastResult } from './forecast';
import type { Series } from './series';

export interface DemandHistory {
  start: string;
  y: number[];
  /** Goes up with every change of the SKU's demand: a larger one is newer history. */
  version: number;
}

export interface SkuForecast extends ForecastResult {
  sku: string;
  computedAt: string;
  /** The version of the demand history the forecast was computed from. */
  demandVersion: number;
}

/**
 * Cached forecasts, one per SKU and horizon. Writes compare versions atomically: a forecast
 * from older demand than one already cached for the SKU is dropped, so an answer computed
 * while a refresh ran cannot bring back the history the refresh replaced.
 */
export interface ForecastCache {
  get: (sku: string, horizon: number) => Promise<SkuForecast | undefined>;
  /** Caches the forecast under its horizon, unless one of newer demand is cached. */
  offer: (forecast: SkuForecast) => Promise<void>;
  /** Makes the forecast the SKU's only cached one, unless one of newer demand is cached. */
  replace: (forecast: SkuForecast) => Promise<void>;
}

/** The ports SKU forecasts need; adapters provide PostgreSQL, Redis and Kafka versions. */
export interface SkuForecastDeps {
  history: (sku: string) => Promise<DemandHistory | undefined>;
  forecast: (
    series: Series[],
    options: ForecastOptions,
    withBacktest: boolean,
  ) => Promise<ForecastResult[]>;
  cache?: ForecastCache;
  save?: (forecast: SkuForecast) => Promise<void>;
  /** The last forecast saved by a refresh; refreshes follow every demand change. */
  stored?: (sku: string) => Promise<SkuForecast | undefined>;
  publish?: (forecast: SkuForecast) => Promise<void>;
  defaultHorizon: number;
  now?: () => Date;
}

const OPTIONS = { frequency: 'D', levels: [80, 95], model: 'auto' } as const;

/** The longest horizon a SKU forecast may be asked for, in days. */
export const MAX_HORIZON = 366;

/** Forecasts of SKUs whose daily demand comes from sales events. */
export class SkuForecasts {
  constructor(private readonly deps: SkuForecastDeps) {}

  private async historyOf(sku: string): Promise<DemandHistory> {
    const history = await this.deps.history(sku);
    if (!history || history.y.length === 0)
      throw ForecastErrors.SKU_NOT_FOUND(`no sales known for ${sku}`);
    return history;
  }

  private async compute(
    sku: string,
    history: DemandHistory,
    horizon: number,
    withBacktest: boolean,
  ): Promise<SkuForecast> {
    const series: Series = { id: sku, start: history.start, y: history.y, warnings: [] };
    const [result] = await this.deps.forecast(
      [series],
      { ...OPTIONS, levels: [...OPTIONS.levels], horizon },
      withBacktest,
    );
    const now = (this.deps.now ?? (() => new Date()))();
    return { ...result, sku, computedAt: now.toISOString(), demandVersion: history.version };
  }

  /** The cached or stored forecast of that horizon, else a new one (cached for next time). */
  async get(sku: string, horizon: number): Promise<SkuForecast> {
    const hit = await this.deps.cache?.get(sku, horizon);
    if (hit) return hit;
    const stored = await this.deps.stored?.(sku);
    const forecast =
      stored && stored.mean.length === horizon
        ? stored
        : await this.compute(sku, await this.historyOf(sku), horizon, false);
    await this.deps.cache?.offer(forecast);
    return forecast;
  }

  /** Each candidate's rolling-origin backtest errors on the SKU's history. */
  async backtest(sku: string, horizon: number) {
    const result = await this.compute(sku, await this.historyOf(sku), horizon, true);
    const candidates: BacktestRow[] = result.backtest ?? [];
    return { sku, horizon, chosen: result.model, candidates };
  }

  /** Recomputes, stores, caches and publishes the default-horizon forecast of each SKU. */
  async refresh(skus: string[]): Promise<number> {
    let done = 0;
    for (const sku of skus) {
      const history = await this.deps.history(sku);
      if (!history || history.y.length === 0) continue;
      const forecast = await this.compute(sku, history, this.deps.defaultHorizon, false);
      await this.deps.save?.(forecast);
      await this.deps.cache?.replace(forecast);
      await this.deps.publish?.(forecast);
      done++;
    }
    return done;
  }
}
