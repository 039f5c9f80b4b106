import { join } from 'node:path';
import { topicName } from '@qm/contracts';
import { openConnections } from '@qm/events';
import { Cache, createLogger, listen } from '@qm/kit';
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

  const connections = await openConnections({
    service: 'pricing',
    schema: 'pricing',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
    pool: { options: '-c search_path=pricing' },
  });
  const { pool, redis, bus } = connections;
  const cache = new Cache(
    redis,
    `${config.QM_REDIS_PREFIX}pricing:`,
    config.QM_PRICING_CACHE_SECONDS,
  );
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
    readiness: connections.readiness,
    metrics: connections.metrics,
  });

  // The pooled elasticity follows new sales: recomputed in the background, never per request.
  const pooling = setInterval(() => {
    estimator.refresh().catch((err: unknown) => log.warn({ err }, 'pooling failed'));
  }, config.QM_PRICING_POOL_REFRESH_SECONDS * 1000);

  // Approvals are stored before their price change is published; what Kafka did not take
  // then goes out from here.
  let publishing = false;
  const republisher = setInterval(() => {
    if (publishing) return;
    publishing = true;
    pricing
      .publishPending()
      .catch((err: unknown) => log.warn({ err }, 'price changes not published'))
      .finally(() => (publishing = false));
  }, config.QM_PRICING_PUBLISH_RETRY_MS);

  app.addHook('onClose', async () => {
    clearInterval(pooling);
    clearInterval(republisher);
    await connections.close();
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
