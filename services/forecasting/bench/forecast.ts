/**
 * Reproduces the evaluation setting on a window inside the shared file: the 28 days before
 * the file's end are held out, SKUs are ranked on the days before them. Prints MASE, RMSSE
 * and WAPE per model, then times 500 series through the domain call and through HTTP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@qm/kit';
import { repoRoot, resolveDataDir } from '@qm/datasets';
import { retailHistories } from '../src/adapters/retail-history';
import { buildApp } from '../src/app';
import { loadForecastingConfig } from '../src/config';
import { ForecastPool } from '../src/adapters/forecast-pool';
import { absoluteErrors, mase, rmsse } from '../src/domain/metrics';
import { GlobalModel, type GlobalArtefact } from '../src/domain/global/model';
import { addSteps } from '../src/domain/series';
import { trainToFile } from '../src/train';

const HOLDOUT_FIRST = '2011-10-15';
const HORIZON = 28;
const DEFAULT_MODELS =
  'naive,seasonal_naive,moving_average,ets,arima,sba,tsb,linear_regression,global,neural,auto';

async function main() {
  const { values } = parseArgs({
    options: {
      models: { type: 'string' },
      series: { type: 'string' },
      retrain: { type: 'boolean' },
      local: { type: 'boolean' },
    },
  });
  const config = loadForecastingConfig();
  const dataDir = resolveDataDir(config.QM_DATA_DIR || undefined);
  const until = addSteps(HOLDOUT_FIRST, -1, 'D');
  const count = Number(values.series ?? 500);
  const { histories, all } = await retailHistories(dataDir, { until, count, minSaleDays: 60 });
  const actuals = histories.map((h) =>
    Array.from(
      { length: HORIZON },
      (_, i) => all.get(h.sku)?.get(addSteps(HOLDOUT_FIRST, i, 'D')) ?? 0,
    ),
  );
  console.log(
    `window ${HOLDOUT_FIRST}..${addSteps(HOLDOUT_FIRST, HORIZON - 1, 'D')}, ` +
      `${histories.length} SKUs`,
  );

  const modelPath = resolve(repoRoot, '.qm', 'models', 'forecast', `bench-${until}.json`);
  const cached = existsSync(modelPath)
    ? (JSON.parse(readFileSync(modelPath, 'utf8')) as GlobalArtefact)
    : undefined;
  // A cached model from before the network existed is retrained too.
  if (values.retrain || !cached?.neural) {
    const t = Date.now();
    await trainToFile(dataDir, until, modelPath);
    console.log(
      `global and neural models trained on data up to ${until} ` +
        `in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  const global = new GlobalModel(JSON.parse(readFileSync(modelPath, 'utf8')) as GlobalArtefact);
  // `--local` leaves the global model out, so `auto` shows what local models reach alone.
  const pool = values.local
    ? new ForecastPool(config.QM_FORECAST_WORKERS, undefined)
    : new ForecastPool(config.QM_FORECAST_WORKERS, modelPath, global);
  const series = histories.map((h) => ({ id: h.sku, start: h.start, values: h.y }));

  // Workers parse the model file and compile on first use; the service does that at start.
  const warm = Date.now();
  await pool.forecast(series.slice(0, 64), {
    horizon: HORIZON,
    frequency: 'D',
    levels: [80, 95],
    model: 'auto',
  });
  console.log(
    `worker pool warm-up (${config.QM_FORECAST_WORKERS} workers): ` +
      `${((Date.now() - warm) / 1000).toFixed(2)} s`,
  );

  const paths = new Map<string, number[][]>();
  const report = (model: string, means: number[][], seconds?: number) => {
    let m = 0;
    let r = 0;
    let n = 0;
    let err = 0;
    let tot = 0;
    means.forEach((mean, i) => {
      const a = mase(actuals[i], mean, histories[i].y, 7);
      const b = rmsse(actuals[i], mean, histories[i].y, 7);
      if (a === undefined || b === undefined) return;
      m += a;
      r += b;
      n++;
      const w = absoluteErrors(actuals[i], mean);
      err += w.error;
      tot += w.total;
    });
    const row = [m / n, r / n, err / tot].map((v) => v.toFixed(3).padStart(6)).join(' ');
    const time = seconds === undefined ? '' : seconds.toFixed(2).padStart(8);
    console.log(`${model.padEnd(26)} ${row} ${time}`);
  };

  console.log('model                      MASE   RMSSE  WAPE   seconds');
  for (const model of (values.models ?? DEFAULT_MODELS).split(',')) {
    const t = Date.now();
    const results = await pool.forecast(series, {
      horizon: HORIZON,
      frequency: 'D',
      levels: [80, 95],
      model,
    });
    paths.set(
      model,
      results.map((r) => r.mean),
    );
    report(model, paths.get(model) as number[][], (Date.now() - t) / 1000);
  }
  for (const other of paths.keys()) {
    const global = paths.get('global');
    if (!global || other === 'global' || other === 'auto') continue;
    const mine = paths.get(other) as number[][];
    report(
      `mean(global, ${other})`,
      global.map((g, i) => g.map((v, k) => (v + mine[i][k]) / 2)),
    );
  }

  const app = await buildApp({ log: createLogger('forecasting-bench', 'warn'), pool, global });
  try {
    const t = Date.now();
    const reply = await app.inject({
      method: 'POST',
      url: '/v1/forecasts',
      payload: { horizon: HORIZON, frequency: 'D', model: 'auto', series },
    });
    const seconds = (Date.now() - t) / 1000;
    const n = (reply.json() as { forecasts?: unknown[] }).forecasts?.length ?? 0;
    console.log(
      `HTTP POST /v1/forecasts (inject), auto, ${n} series: ` +
        `${seconds.toFixed(2)} s, status ${reply.statusCode}`,
    );
  } finally {
    await app.close();
    await pool.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
