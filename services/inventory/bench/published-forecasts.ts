import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, resolveDataDir } from '@qm/datasets';
import { forecastSeries } from '../../forecasting/src/domain/forecast';
import { GlobalModel, type GlobalArtefact } from '../../forecasting/src/domain/global/model';
import { trainToFile } from '../../forecasting/src/train';
import type { StoredForecast } from '../src/adapters/store';
import type { ForecastPath } from '../src/domain/demand';
import { countQuantile } from '../src/domain/stats';
import type { DailyDemand } from './retail-demand';
import type { Levels } from './simulate-core';

/** What the forecasting service publishes: 28 days, model `auto`, the 95% band. */
const HORIZON = 28;

function dayBefore(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The forecast each SKU would have on the topic once everything before `testStart` was
 * replayed: the global model and network trained on those days only (the same file the
 * forecasting benchmark caches, trained here when missing), run as the service runs it on
 * each SKU's history from its first sale.
 */
export async function publishedForecasts(
  data: DailyDemand,
  skus: string[],
  testStart: string,
  log: (line: string) => void,
): Promise<Map<string, StoredForecast>> {
  const until = dayBefore(testStart);
  const modelPath = resolve(repoRoot, '.qm', 'models', 'forecast', `bench-${until}.json`);
  if (!existsSync(modelPath)) {
    log(`training the forecasting models on data up to ${until} (a few minutes)`);
    await trainToFile(resolveDataDir(), until, modelPath);
  }
  const global = new GlobalModel(JSON.parse(readFileSync(modelPath, 'utf8')) as GlobalArtefact);
  const end = data.days.indexOf(testStart);
  const out = new Map<string, StoredForecast>();
  for (const sku of skus) {
    const series = (data.bySku.get(sku) ?? []).slice(0, end);
    const first = series.findIndex((q) => q > 0);
    if (first < 0) continue;
    const result = forecastSeries(
      { id: sku, start: data.days[first], y: series.slice(first), warnings: [] },
      { horizon: HORIZON, frequency: 'D', levels: [80, 95], model: 'auto' },
      global,
    );
    out.set(sku, {
      startDay: result.start,
      mean: result.mean,
      lower95: result.lower['95'] ?? [],
      upper95: result.upper['95'] ?? [],
    });
  }
  return out;
}

/**
 * Levels read straight off a published path, as the service once did: means summed over lead
 * time plus a day's review, the daily spread from the 95% band, a negative binomial quantile.
 */
export function forecastQuantileLevels(
  f: ForecastPath,
  leadTime: number,
  serviceLevel: number,
): Levels {
  const span = leadTime + 1;
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < span; i++) {
    const k = Math.min(i, f.mean.length - 1);
    mean += Math.max(0, f.mean[k]);
    variance += ((f.upper95[k] - f.lower95[k]) / 3.92) ** 2;
  }
  const reorderPoint = countQuantile(mean, variance, serviceLevel);
  return { reorderPoint, orderUpTo: Math.ceil(reorderPoint + mean / span) };
}
