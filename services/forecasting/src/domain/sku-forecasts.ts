import { ForecastErrors } from '../errors';
import type { BacktestRow } from './auto';
import type { ForecastOptions, ForecastResult } from './forecast';
import type { Series } from './series';

export interface DemandHistory {
  start: string;
  y: number[];
}

export interface SkuForecast extends ForecastResult {
  sku: string;
  computedAt: string;
}

/** The ports SKU forecasts need; adapters provide PostgreSQL, Redis and Kafka versions. */
export interface SkuForecastDeps {
  history: (sku: string) => Promise<DemandHistory | undefined>;
  forecast: (
    series: Series[],
    options: ForecastOptions,
    withBacktest: boolean,
  ) => Promise<ForecastResult[]>;
  cache?: {
    get: (key: string) => Promise<SkuForecast | undefined>;
    set: (key: string, value: SkuForecast) => Promise<void>;
    delete: (...keys: string[]) => Promise<void>;
  };
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

/** Every horizon a SKU forecast may be cached under. */
const HORIZONS = Array.from({ length: MAX_HORIZON }, (_, i) => i + 1);

/** Forecasts of SKUs whose daily demand comes from sales events. */
export class SkuForecasts {
  constructor(private readonly deps: SkuForecastDeps) {}

  private key(sku: string, horizon: number): string {
    return `forecast:${sku}:${horizon}`;
  }

  private async compute(sku: string, horizon: number, withBacktest: boolean) {
    const history = await this.deps.history(sku);
    if (!history || history.y.length === 0)
      throw ForecastErrors.SKU_NOT_FOUND(`no sales known for ${sku}`);
    const series: Series = { id: sku, start: history.start, y: history.y, warnings: [] };
    const [result] = await this.deps.forecast(
      [series],
      { ...OPTIONS, levels: [...OPTIONS.levels], horizon },
      withBacktest,
    );
    const now = (this.deps.now ?? (() => new Date()))();
    return { ...result, sku, computedAt: now.toISOString() };
  }

  /** The cached or stored forecast of that horizon, else a new one (cached for next time). */
  async get(sku: string, horizon: number): Promise<SkuForecast> {
    const key = this.key(sku, horizon);
    const hit = await this.deps.cache?.get(key);
    if (hit) return hit;
    const stored = await this.deps.stored?.(sku);
    const forecast =
      stored && stored.mean.length === horizon ? stored : await this.compute(sku, horizon, false);
    await this.deps.cache?.set(key, forecast);
    return forecast;
  }

  /** Each candidate's rolling-origin backtest errors on the SKU's history. */
  async backtest(sku: string, horizon: number) {
    const result = await this.compute(sku, horizon, true);
    const candidates: BacktestRow[] = result.backtest ?? [];
    return { sku, horizon, chosen: result.model, candidates };
  }

  /** Recomputes, stores, caches and publishes the default-horizon forecast of each SKU. */
  async refresh(skus: string[]): Promise<number> {
    let done = 0;
    for (const sku of skus) {
      const history = await this.deps.history(sku);
      if (!history || history.y.length === 0) continue;
      const forecast = await this.compute(sku, this.deps.defaultHorizon, false);
      await this.deps.cache?.delete(...HORIZONS.map((h) => this.key(sku, h)));
      await this.deps.save?.(forecast);
      await this.deps.cache?.set(this.key(sku, this.deps.defaultHorizon), forecast);
      await this.deps.publish?.(forecast);
      done++;
    }
    return done;
  }
}
