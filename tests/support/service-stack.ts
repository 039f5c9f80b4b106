import type { PoolConfig } from 'pg';
import type { RedisOptions } from 'ioredis';
import { createEventBus, deletePrefixed, openConnections, type Connections } from '@qm/events';
import { createLogger, dropKeys } from '@qm/kit';
import { BROKERS, DATABASE_URL, REDIS_URL, uniqueName } from './stack';

/** A service's stores for one test file, under names no other run uses. */
export interface ServiceTestStack extends Connections {
  /** Topics are named `<prefix>.<topic>`, Redis keys `<prefix>:<key>`, groups start with it. */
  prefix: string;
  /** The service's PostgreSQL schema for this run. */
  schema: string;
  /** Closes everything, then removes the run's topics, consumer groups, Redis keys and schema. */
  teardown(): Promise<void>;
}

export interface ServiceTestStackOptions {
  /** Make the run's schema the pool's search path, as services that name no schema expect. */
  searchPath?: boolean;
  pool?: PoolConfig;
  redis?: RedisOptions;
}

/** Consumer settings that make group joins and failure detection quick. */
const QUICK_CONSUMER = {
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 100,
};

/**
 * Migrates a schema of this run from `migrations` and opens PostgreSQL, Redis and Kafka on
 * the test stack, as the service's own boot does.
 */
export async function openServiceTestStack(
  label: string,
  migrations: string,
  options: ServiceTestStackOptions = {},
): Promise<ServiceTestStack> {
  const prefix = uniqueName(label);
  const schema = prefix.replace(/-/g, '_');
  const log = createLogger(`${label}-test`, 'silent');
  const connections = await openConnections({
    service: prefix,
    schema,
    migrations,
    config: {
      QM_DATABASE_URL: DATABASE_URL,
      QM_REDIS_URL: REDIS_URL,
      QM_REDIS_PREFIX: `${prefix}:`,
      QM_KAFKA_BROKERS: BROKERS.join(','),
      QM_KAFKA_TOPIC_PREFIX: `${prefix}.`,
    },
    log,
    pool: {
      max: 4,
      ...(options.searchPath ? { options: `-c search_path=${schema}` } : {}),
      ...options.pool,
    },
    redis: options.redis,
    pipelineStats: false,
    consumer: QUICK_CONSUMER,
  });
  await connections.bus.ensureTopics();
  const { pool, redis, bus } = connections;

  async function teardown(): Promise<void> {
    await bus.close();
    const admin = await createEventBus({
      brokers: BROKERS,
      clientId: `${prefix}-admin`,
      log,
    }).admin();
    try {
      await deletePrefixed(admin, prefix);
    } finally {
      await admin.disconnect();
    }
    await dropKeys(redis, `${prefix}:*`);
    redis.disconnect();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }

  return { ...connections, prefix, schema, teardown };
}
