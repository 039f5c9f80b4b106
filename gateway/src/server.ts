import { join } from 'node:path';
import { createRedis, listen } from '@qm/kit';
import { openConnections, type PipelineAdmin } from '@qm/events';
import { buildApp } from './app';
import { readConfig } from './config';
import { createGatewayLoggers } from './logger';
import { PgKeyStore } from './adapters/key-store';

async function main(): Promise<void> {
  const config = readConfig();
  const { log, access } = createGatewayLoggers(config.QM_LOG_LEVEL);

  const connections = await openConnections({
    service: 'gateway',
    schema: 'gateway',
    migrations: join(__dirname, '..', 'migrations'),
    config,
    log,
    pipelineStats: false,
  });
  const { pool, redis, bus } = connections;
  // Rate-limit calls fail fast when Redis is away instead of queueing behind a reconnect.
  const limiterRedis = createRedis(config.QM_REDIS_URL, log, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 200,
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
    // Kafka is left out: proxied calls do not need it.
    readiness: { postgres: connections.readiness.postgres, redis: connections.readiness.redis },
    ingestion: { publisher: bus.publisher, topicPrefix: config.QM_KAFKA_TOPIC_PREFIX },
    pipeline: {
      admin,
      redis,
      keyPrefix: config.QM_REDIS_PREFIX,
      topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
    },
  });

  app.addHook('onClose', async () => {
    limiterRedis.disconnect();
    await connections.close();
  });

  if (config.QM_MASTER_KEY === '') log.warn('QM_MASTER_KEY is not set: no admin key exists');
  await listen(app, { host: config.QM_HTTP_HOST, port: config.QM_HTTP_PORT });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
