import { join, resolve } from 'node:path';
import { openConnections } from '@qm/events';
import { repoRoot } from '@qm/datasets';
import { createLogger, listen } from '@qm/kit';
import { DemandRepository } from './adapters/demand-repository';
import { RedisForecastCache } from './adapters/forecast-cache';
import { forecastPublisher } from './adapters/forecast-events';
import { ForecastPool } from './adapters/forecast-pool';
import { loadGlobalModel } from './adapters/global-model-file';
import { salesConsumer } from './adapters/sales-consumer';
import { buildApp } from './app';
import { loadForecastingConfig } from './config';
import { RefreshScheduler } from './domain/debounce';
import { SkuForecasts } from './domain/sku-forecasts';

async function main(): Promise<void> {
  const config = loadForecastingConfig();
  const log = createLogger('forecasting', config.QM_LOG_LEVEL);

  const connections = await openConnections({
    service: 'forecasting',
    schema: 'forecasting',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
  });
  const { pool: db, redis, bus } = connections;
  const cache = new RedisForecastCache(
    redis,
    `${config.QM_REDIS_PREFIX}forecasting:`,
    config.QM_CACHE_TTL_SECONDS,
  );
  const modelPath = resolve(repoRoot, config.QM_FORECAST_MODEL_PATH);
  const global = loadGlobalModel(modelPath);
  if (global)
    log.info({ modelPath, trainedUntil: global.artefact.trainedUntil }, 'global model loaded');
  else log.warn({ modelPath }, 'no global model: auto uses local models (run pnpm train:forecast)');
  if (global && !global.neural)
    log.warn({ modelPath }, 'no neural model in the model file (run pnpm train:forecast)');
  const pool = new ForecastPool(
    config.QM_FORECAST_WORKERS,
    global ? modelPath : undefined,
    global,
    config.QM_FORECAST_MAX_QUEUED_VALUES,
  );

  const demand = new DemandRepository(db);
  const skus = new SkuForecasts({
    history: (sku) => demand.history(sku),
    forecast: (series, options, withBacktest) => pool.forecastSeries(series, options, withBacktest),
    cache,
    save: (forecast) => demand.save(forecast),
    stored: (sku) => demand.stored(sku),
    publish: forecastPublisher(bus.publisher, bus.topic('forecasts')),
    defaultHorizon: config.QM_FORECAST_HORIZON,
  });
  const refreshLog = log.child({ component: 'refresh' });
  let refreshed = 0;
  const scheduler = new RefreshScheduler(
    {
      quietMs: config.QM_FORECAST_REFRESH_DEBOUNCE_MS,
      holdLag: config.QM_FORECAST_REFRESH_HOLD_LAG,
      maxHoldMs: config.QM_FORECAST_REFRESH_MAX_HOLD_MS,
    },
    async (list) => {
      const done = await skus.refresh(list);
      refreshed += done;
      refreshLog.info({ skus: done, total: refreshed }, 'forecasts refreshed');
    },
    (err) => refreshLog.error({ err }, 'forecast refresh failed'),
  );

  const app = await buildApp({
    log,
    pool,
    global,
    skus,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: connections.readiness,
    metrics: connections.metrics,
  });
  await bus.ensureTopics();
  const consumer = await bus.runConsumer(
    salesConsumer(bus.topic('sales'), demand, scheduler, config.QM_KAFKA_TOPIC_PREFIX),
  );
  app.addHook('onClose', async () => {
    await consumer.stop();
    await scheduler.drain();
    await pool.close();
    await connections.close();
  });
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
