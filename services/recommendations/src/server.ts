import { join } from 'node:path';
import { openConnections } from '@qm/events';
import { createLogger, listen } from '@qm/kit';
import { workerSnapshotBuilder } from './adapters/build-worker';
import { startConsumers } from './adapters/consumers';
import { LiveStore } from './adapters/live';
import { createStore } from './adapters/store';
import { buildApp } from './app';
import { readConfig } from './config';
import { createRecommendations } from './recommendations';
import { RebuildSchedule } from './rebuild-schedule';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('recommendations', config.QM_LOG_LEVEL);

  const connections = await openConnections({
    service: 'recommendations',
    schema: 'recommendations',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
  });
  const { pool, redis, bus } = connections;
  const live = new LiveStore(
    redis,
    `${config.QM_REDIS_PREFIX}recs:`,
    config.QM_CACHE_TTL_SECONDS,
    config.QM_RECS_RECENT_EVENTS,
  );
  // Rebuilds train in a worker thread: a storefront calls on every page view, and a rebuild
  // on the event loop held every call for seconds.
  const builder = workerSnapshotBuilder();
  const recommendations = createRecommendations({
    store: createStore(pool, 'recommendations'),
    live,
    log: log.child({ component: 'models' }),
    historyDays: config.QM_RECS_HISTORY_DAYS,
    builder,
  });
  const app = await buildApp({
    recommendations,
    log,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: connections.readiness,
    metrics: connections.metrics,
  });

  const schedule = new RebuildSchedule(
    () => recommendations.retrain(),
    {
      quietMs: config.QM_RECS_REBUILD_QUIET_SECONDS * 1000,
      maxAgeMs: config.QM_RECS_RETRAIN_MINUTES * 60_000,
    },
    (err) => log.error({ err }, 'model rebuild failed'),
  );

  app.addHook('onClose', async () => {
    await builder.close();
    await schedule.stop();
    await connections.close();
  });

  // Models start from what is stored; until then every list is cold start.
  await recommendations.retrain();
  await bus.ensureTopics();
  await startConsumers(bus, {
    ...recommendations,
    applyInteractions: async (events) => {
      const fresh = await recommendations.applyInteractions(events);
      schedule.noteInteractions(fresh);
      return fresh;
    },
  });
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
