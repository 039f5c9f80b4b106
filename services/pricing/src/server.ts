import { join } from 'node:path';
import { topicName } from '@qm/contracts';
import { createEventBus } from '@qm/events';
import {
  Cache,
  createLogger,
  createPool,
  createRedis,
  listen,
  migrate,
  postgresCheck,
  redisCheck,
  splitList,
} from '@qm/kit';
import { startConsumers } from './adapters/consumers';
import { inventoryStockLookup } from './adapters/stock';
import { buildApp } from './app';
import { loadPricingConfig } from './config';
import { createEstimator } from './estimates';
import { createExperiments } from './experiments';
import { createPricing } from './pricing';

async function main(): Promise<void> {
  const config = loadPricingConfig();
  const log = createLogger('pricing', config.QM_LOG_LEVEL);

  await migrate({
    databaseUrl: config.QM_DATABASE_URL,
    schema: 'pricing',
    dir: join(__dirname, '..', 'migrations'),
    log,
  });
  const pool = createPool(config.QM_DATABASE_URL, log, { options: '-c search_path=pricing' });
  const redis = createRedis(config.QM_REDIS_URL, log);
  const cache = new Cache(
    redis,
    `${config.QM_REDIS_PREFIX}pricing:`,
    config.QM_PRICING_CACHE_SECONDS,
  );
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'pricing',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
    stats: { redis, keyPrefix: config.QM_REDIS_PREFIX },
  });

  const estimator = createEstimator({
    pool,
    log,
    refreshSeconds: config.QM_PRICING_POOL_REFRESH_SECONDS,
  });
  const pricing = createPricing({
    pool,
    log,
    estimator,
    cache,
    publisher: bus.publisher,
    priceTopic: topicName('priceChanges', config.QM_KAFKA_TOPIC_PREFIX),
    stock: inventoryStockLookup(config.QM_INVENTORY_URL, log),
    defaultCostRatio: config.QM_PRICING_DEFAULT_COST_RATIO,
    currency: config.QM_PRICING_CURRENCY,
  });
  const experiments = createExperiments({ pool, log });

  const app = await buildApp({
    pricing,
    experiments,
    log,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: {
      postgres: postgresCheck(pool),
      redis: redisCheck(redis),
      kafka: () => bus.check(),
    },
  });

  // The pooled elasticity follows new sales: recomputed in the background, never per request.
  const pooling = setInterval(() => {
    estimator.refresh().catch((err: unknown) => log.warn({ err }, 'pooling failed'));
  }, config.QM_PRICING_POOL_REFRESH_SECONDS * 1000);

  app.addHook('onClose', async () => {
    clearInterval(pooling);
    // Closing the bus stops the consumers first.
    await bus.close();
    redis.disconnect();
    await pool.end();
  });

  // Topics are created here when missing so a fresh stack starts without a separate step.
  await bus.ensureTopics();
  await startConsumers(bus, { pool, experiments });
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
