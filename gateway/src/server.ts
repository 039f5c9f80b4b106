import { join } from 'node:path';
import {
  createPool,
  createRedis,
  listen,
  migrate,
  postgresCheck,
  redisCheck,
  splitList,
} from '@qm/kit';
import { createEventBus, type PipelineAdmin } from '@qm/events';
import { buildApp } from './app';
import { readConfig } from './config';
import { createGatewayLoggers } from './logger';
import { PgKeyStore } from './adapters/key-store';

async function main(): Promise<void> {
  const config = readConfig();
  const { log, access } = createGatewayLoggers(config.QM_LOG_LEVEL);

  await migrate({
    databaseUrl: config.QM_DATABASE_URL,
    schema: 'gateway',
    dir: join(__dirname, '..', 'migrations'),
    log,
  });
  const pool = createPool(config.QM_DATABASE_URL, log);
  const redis = createRedis(config.QM_REDIS_URL, log);
  // Rate-limit calls fail fast when Redis is away instead of queueing behind a reconnect.
  const limiterRedis = createRedis(config.QM_REDIS_URL, log, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 200,
  });

  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'gateway',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
  });
  // The admin client connects on first use, so the gateway starts while Kafka is away.
  const admin: PipelineAdmin = {
    listGroups: async () => (await bus.admin()).listGroups(),
    fetchOffsets: async (options) => (await bus.admin()).fetchOffsets(options),
    fetchTopicOffsets: async (topic) => (await bus.admin()).fetchTopicOffsets(topic),
  };

  const app = await buildApp({
    config,
    log,
    accessLog: access,
    keys: new PgKeyStore(pool),
    redis: limiterRedis,
    readiness: { postgres: postgresCheck(pool), redis: redisCheck(redis) },
    ingestion: { publisher: bus.publisher, topicPrefix: config.QM_KAFKA_TOPIC_PREFIX },
    pipeline: { admin, redis, keyPrefix: config.QM_REDIS_PREFIX },
  });

  app.addHook('onClose', async () => {
    await bus.close();
    redis.disconnect();
    limiterRedis.disconnect();
    await pool.end();
  });

  if (config.QM_MASTER_KEY === '') log.warn('QM_MASTER_KEY is not set: no admin key exists');
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
