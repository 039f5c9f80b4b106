import { join } from 'node:path';
import { createEventBus } from '@qm/events';
import {
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
import { LIVE_REDIS_OPTIONS, LiveStore } from './adapters/live';
import { createStore } from './adapters/store';
import { buildApp } from './app';
import { readConfig } from './config';
import { createRecommendations } from './recommendations';
import { RebuildSchedule } from './rebuild-schedule';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('recommendations', config.QM_LOG_LEVEL);

  await migrate({
    databaseUrl: config.QM_DATABASE_URL,
    schema: 'recommendations',
    dir: join(__dirname, '..', 'migrations'),
    log,
  });
  const pool = createPool(config.QM_DATABASE_URL, log);
  const redis = createRedis(config.QM_REDIS_URL, log, LIVE_REDIS_OPTIONS);
  const live = new LiveStore(
    redis,
    `${config.QM_REDIS_PREFIX}recs:`,
    config.QM_CACHE_TTL_SECONDS,
    config.QM_RECS_RECENT_EVENTS,
  );
  const recommendations = createRecommendations({
    store: createStore(pool, 'recommendations'),
    live,
    log: log.child({ component: 'models' }),
    historyDays: config.QM_RECS_HISTORY_DAYS,
  });
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'recommendations',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
    // Counts for the pipeline report, shared through Redis.
    stats: { redis, keyPrefix: config.QM_REDIS_PREFIX },
  });

  const app = await buildApp({
    recommendations,
    log,
    bodyLimit: config.QM_BODY_LIMIT_BYTES,
    readiness: {
      postgres: postgresCheck(pool),
      redis: redisCheck(redis),
      kafka: () => bus.check(),
    },
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
    await schedule.stop();
    await bus.close();
    redis.disconnect();
    await pool.end();
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
