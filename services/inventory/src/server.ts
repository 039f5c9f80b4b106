import { join } from 'node:path';
import { topicName } from '@qm/contracts';
import { openConnections } from '@qm/events';
import { Cache, createLogger, listen } from '@qm/kit';
import { startConsumers } from './adapters/consumers';
import { policyCounts } from './adapters/policy-metrics';
import { createStore } from './adapters/store';
import { buildApp } from './app';
import { loadInventoryConfig } from './config';
import { PolicyHold } from './domain/policy-hold';
import { createInventory } from './inventory';

async function main(): Promise<void> {
  const config = loadInventoryConfig();
  const log = createLogger('inventory', config.QM_LOG_LEVEL);

  const connections = await openConnections({
    service: 'inventory',
    schema: 'inventory',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
  });
  const { pool, redis, bus } = connections;
  const cache = new Cache(
    redis,
    `${config.QM_REDIS_PREFIX}inventory:`,
    config.QM_INVENTORY_POLICY_CACHE_SECONDS,
  );
  const inventory = createInventory({
    pool,
    store: createStore('inventory'),
    log,
    publisher: bus.publisher,
    signalTopic: topicName('restockSignals', config.QM_KAFKA_TOPIC_PREFIX),
    defaultWarehouse: config.QM_INVENTORY_DEFAULT_WAREHOUSE,
    openingStock: config.QM_INVENTORY_OPENING_STOCK,
    counts: policyCounts(connections.metrics),
  });
  const hold = new PolicyHold({
    holdLag: config.QM_INVENTORY_POLICY_HOLD_LAG,
    maxHoldMs: config.QM_INVENTORY_POLICY_MAX_HOLD_MS,
  });

  const app = await buildApp({
    inventory,
    log,
    cache,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: connections.readiness,
    metrics: connections.metrics,
  });

  // Retries signal changes whose publish failed (normally none); once the sales consumer has
  // caught up, recomputes the policies put off meanwhile, and every SKU when the business date
  // has moved on.
  let sweeping = false;
  const flusher = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    inventory
      .sweep(hold)
      .catch((err: unknown) => log.warn({ err }, 'signal sweep failed'))
      .finally(() => (sweeping = false));
  }, config.QM_INVENTORY_SIGNAL_FLUSH_MS);

  app.addHook('onClose', async () => {
    clearInterval(flusher);
    await connections.close();
  });

  // Topics are created here when missing so a fresh stack starts without a separate step.
  await bus.ensureTopics();
  await startConsumers(bus, inventory, hold);
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
