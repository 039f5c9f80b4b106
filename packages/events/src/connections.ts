import type { RedisOptions } from 'ioredis';
import {
  createMetricsRegistry,
  createPool,
  createRedis,
  migrate,
  postgresCheck,
  redisCheck,
  splitList,
  type Logger,
  type Pool,
  type ReadinessCheck,
  type Redis,
  type Registry,
} from '@qm/kit';
import type { PoolConfig } from 'pg';
import { createEventBus, type ConsumerSettings, type EventBus } from './bus';

/** The settings every service reads to reach its stores (the kit's `BaseConfig` names). */
export interface ConnectionSettings {
  QM_DATABASE_URL: string;
  QM_REDIS_URL: string;
  QM_REDIS_PREFIX: string;
  QM_KAFKA_BROKERS: string;
  QM_KAFKA_TOPIC_PREFIX: string;
}

export interface OpenConnectionsOptions {
  /** Kafka client id. */
  service: string;
  /** The PostgreSQL schema the service owns, migrated from `migrations`. */
  schema: string;
  migrations: string;
  config: ConnectionSettings;
  log: Logger;
  pool?: PoolConfig;
  redis?: RedisOptions;
  /** Share consumer counts through Redis for the pipeline report (default true). */
  pipelineStats?: boolean;
  consumer?: ConsumerSettings;
}

/** What a service process talks to, and the readiness checks of each. */
export interface Connections {
  pool: Pool;
  redis: Redis;
  bus: EventBus;
  /** The registry `/metrics` serves, already holding the consumers' counts and lag. */
  metrics: Registry;
  readiness: { postgres: ReadinessCheck; redis: ReadinessCheck; kafka: ReadinessCheck };
  /** Stops the consumers, then closes Kafka, Redis and PostgreSQL, in that order. */
  close(): Promise<void>;
}

/**
 * Migrates the service's schema, then opens its PostgreSQL pool, Redis client and event bus.
 * Nothing but the migration waits on a connection: Redis and Kafka may come up later.
 */
export async function openConnections(options: OpenConnectionsOptions): Promise<Connections> {
  const { config, log } = options;
  await migrate({
    databaseUrl: config.QM_DATABASE_URL,
    schema: options.schema,
    dir: options.migrations,
    log,
  });
  const pool = createPool(config.QM_DATABASE_URL, log, options.pool);
  const redis = createRedis(config.QM_REDIS_URL, log, options.redis);
  const metrics = createMetricsRegistry(options.service);
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: options.service,
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
    stats:
      options.pipelineStats === false
        ? { registry: metrics }
        : { redis, keyPrefix: config.QM_REDIS_PREFIX, registry: metrics },
    consumer: options.consumer,
  });
  return {
    pool,
    redis,
    bus,
    metrics,
    readiness: {
      postgres: postgresCheck(pool),
      redis: redisCheck(redis),
      kafka: () => bus.check(),
    },
    async close() {
      await bus.close();
      redis.disconnect();
      await pool.end();
    },
  };
}
