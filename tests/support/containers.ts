import { KafkaContainer, type StartedKafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer, type StartedRedisContainer } from '@testcontainers/redis';

/** Connection settings for the integration tests, in the services' own variable names. */
export interface StackUrls {
  QM_DATABASE_URL: string;
  QM_REDIS_URL: string;
  QM_KAFKA_BROKERS: string;
}

export interface ContainerStack {
  urls: StackUrls;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL, Redis and Kafka in containers, for hosts with a Docker engine.
 * Hosts without one run the same tests against `deploy/stack.sh`.
 */
export async function startContainers(): Promise<ContainerStack> {
  const [postgres, redis, kafka] = (await Promise.all([
    new PostgreSqlContainer('postgres:15').withDatabase('quartermaster').start(),
    new RedisContainer('redis:7').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
  ])) as [StartedPostgreSqlContainer, StartedRedisContainer, StartedKafkaContainer];

  return {
    urls: {
      QM_DATABASE_URL: postgres.getConnectionUri(),
      QM_REDIS_URL: redis.getConnectionUrl(),
      QM_KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    },
    async stop() {
      await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
    },
  };
}
