import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import { BaseConfig, createLogger, createRedis, loadConfig, splitList, type Redis } from '@qm/kit';
import { createEventBus, deletePrefixed, type EventBus } from '../../src';

// The local stack by default; the containers' URLs when the test setup provides them.
const config = loadConfig({
  QM_DATABASE_URL: BaseConfig.QM_DATABASE_URL,
  QM_REDIS_URL: BaseConfig.QM_REDIS_URL,
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
});
export const BROKERS = splitList(config.QM_KAFKA_BROKERS);
export const DATABASE_URL = config.QM_DATABASE_URL;
const REDIS_URL = config.QM_REDIS_URL;

/** A name no other test run uses. */
export function uniqueName(label: string): string {
  return `qmtest-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** Polls until `probe` returns a value other than undefined, or fails after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Settings that make group joins and failure detection quick in tests. */
export const FAST_CONSUMER = {
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 100,
};

const log = createLogger('events-test', 'silent');

/** A bus on the local broker with its own topic prefix and Redis key prefix. */
export function testBus(prefix: string, redis: Redis, maxBatchSize = 500): EventBus {
  return createEventBus({
    brokers: BROKERS,
    clientId: prefix,
    log,
    topicPrefix: `${prefix}.`,
    stats: { redis, keyPrefix: `${prefix}:` },
    consumer: { ...FAST_CONSUMER, maxBatchSize },
    handlerRetry: { retries: 3, minDelayMs: 50, maxDelayMs: 200 },
  });
}

export function testRedis(): Redis {
  return createRedis(REDIS_URL, log);
}

/** Creates topics of the given partition counts and waits for their leaders. */
export async function createTopics(admin: Admin, topics: Record<string, number>): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.entries(topics).map(([topic, numPartitions]) => ({
      topic,
      numPartitions,
      replicationFactor: 1,
    })),
  });
}

/** The group's committed offset of each partition of a topic, by partition. */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, number>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(offsets.partitions.map((p) => [p.partition, Number(p.offset)]));
}

/** Whether the group has committed up to the end of every partition of the topic. */
export async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const committed = await committedOffsets(admin, groupId, topic);
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.every((end) => committed.get(end.partition) === Number(end.high));
}

/** Reads the first `count` messages of a topic with a throwaway consumer. */
export async function readMessages(
  topic: string,
  count: number,
  groupId: string,
): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
  const seen: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
      },
    });
    await waitFor(`${count} messages on ${topic}`, () => (seen.length >= count ? true : undefined));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Deletes what a test file made in Kafka: its topics and consumer groups. */
export async function dropKafkaState(admin: Admin, prefix: string): Promise<void> {
  await deletePrefixed(admin, prefix);
}

/** Deletes the Redis keys under a prefix. */
export async function dropRedisKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
}
