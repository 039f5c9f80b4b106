import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import { topicName, type TopicKey } from '@qm/contracts';
import { processBatch, type BatchContext, type HandlerRetryOptions } from './batch';
import { consumerGroupId } from './groups';
import { pinoLogCreator } from './kafka-log';
import { createPublisher, createSendRaw, type SendRetryOptions } from './publisher';
import { ConsumerStatsRecorder, pipelineStatus, type StatsOptions } from './stats';
import { ensureTopics, type EnsureTopicsOptions } from './topics';
import type { ConsumerHandle, ConsumerSpec, ConsumerStats, Publisher } from './types';

/** Consumer group timings and batch size. */
export interface ConsumerSettings {
  /** The broker drops a member silent for this long (ms). */
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** How long a rebalance waits for members to rejoin (ms). */
  rebalanceTimeout?: number;
  /** Longest wait of a fetch when there is nothing new (ms). */
  maxWaitTimeInMs?: number;
  /** Messages per `handle` call at most. */
  maxBatchSize?: number;
}

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  /** Prefix of every topic name of this deployment (tests use their own). */
  topicPrefix?: string;
  stats?: StatsOptions;
  consumer?: ConsumerSettings;
  /** Backoff for transient handler errors. */
  handlerRetry?: Partial<HandlerRetryOptions>;
  sendRetry?: SendRetryOptions;
}

/** Kafka for one process: a publisher, consumers, admin helpers. */
export interface EventBus {
  readonly publisher: Publisher;
  readonly topicPrefix: string;
  /** A topic's name under this bus's prefix. */
  topic(key: TopicKey): string;
  /** A consumer group's id (`<service>.<topic-short>`) under this bus's prefix. */
  group(name: string): string;
  /** Starts a consumer; resolves once it is subscribed and running. */
  runConsumer<T>(spec: ConsumerSpec<T>): Promise<ConsumerHandle>;
  /** The shared admin client, connected on first use. */
  admin(): Promise<Admin>;
  /** Creates the missing topics of this prefix; returns their names. */
  ensureTopics(options?: Omit<EnsureTopicsOptions, 'log'>): Promise<string[]>;
  /** Counts and lag of the given groups (needs `stats.redis`). */
  pipelineStatus(groups: string[]): Promise<{ consumers: ConsumerStats[] }>;
  /** Readiness: throws when the cluster does not answer or a consumer has failed. */
  check(): Promise<void>;
  /** Stops every consumer, then disconnects the producer and the admin client. */
  close(): Promise<void>;
}

const DEFAULT_CONSUMER: Required<ConsumerSettings> = {
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  rebalanceTimeout: 60_000,
  maxWaitTimeInMs: 1_000,
  maxBatchSize: 500,
};

const DEFAULT_HANDLER_RETRY: HandlerRetryOptions = {
  retries: 5,
  minDelayMs: 200,
  maxDelayMs: 5_000,
};

/** Connects once; a failed attempt is forgotten so the next call tries again. */
function connectOnce<T extends { connect(): Promise<void> }>(client: T): () => Promise<T> {
  let connecting: Promise<T> | undefined;
  return () => {
    connecting ??= client.connect().then(
      () => client,
      (error: unknown) => {
        connecting = undefined;
        throw error;
      },
    );
    return connecting;
  };
}

/** Builds the Kafka plumbing of one process. Nothing connects until it is used. */
export function createEventBus(options: EventBusOptions): EventBus {
  const { log } = options;
  const topicPrefix = options.topicPrefix ?? '';
  const settings = { ...DEFAULT_CONSUMER, ...options.consumer };
  const handlerRetry = { ...DEFAULT_HANDLER_RETRY, ...options.handlerRetry };
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(log),
  });

  // One request in flight keeps the idempotent producer's sequence numbers in order.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const connectProducer = connectOnce(producer);
  const adminClient = kafka.admin();
  const connectAdmin = connectOnce(adminClient);
  const stats = new ConsumerStatsRecorder(options.stats ?? {}, log);

  const send = createSendRaw(producer, log, options.sendRetry);
  const sendRaw = async (topic: string, messages: Message[]) => {
    await connectProducer();
    await send(topic, messages);
  };

  const handles = new Set<ConsumerHandle>();

  async function runConsumer<T>(spec: ConsumerSpec<T>): Promise<ConsumerHandle> {
    const consumerLog = log.child({ group: spec.groupId, topic: spec.topic });
    const consumer: Consumer = kafka.consumer({
      groupId: spec.groupId,
      sessionTimeout: settings.sessionTimeout,
      heartbeatInterval: settings.heartbeatInterval,
      rebalanceTimeout: settings.rebalanceTimeout,
      maxWaitTimeInMs: settings.maxWaitTimeInMs,
    });
    let running = false;
    let failure: Error | undefined;

    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      running = false;
      failure = payload.error;
      consumerLog.error({ err: payload.error }, 'consumer stopped after a failure');
    });

    const ctx: BatchContext<T> = {
      spec,
      log: consumerLog,
      sendRaw,
      stats,
      chunkSize: spec.maxBatchSize ?? settings.maxBatchSize,
      retry: handlerRetry,
    };

    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: spec.fromBeginning ?? true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => processBatch(ctx, payload),
    });
    running = true;
    consumerLog.info('consumer started');

    const handle: ConsumerHandle = {
      groupId: spec.groupId,
      topic: spec.topic,
      isRunning: () => running,
      failure: () => failure,
      async stop() {
        running = false;
        handles.delete(handle);
        await consumer.stop();
        await consumer.disconnect();
        consumerLog.info('consumer stopped');
      },
    };
    handles.add(handle);
    return handle;
  }

  return {
    publisher: createPublisher(sendRaw),
    topicPrefix,
    topic: (key) => topicName(key, topicPrefix),
    group: (name) => consumerGroupId(name, topicPrefix),
    runConsumer,
    admin: connectAdmin,
    async ensureTopics(ensureOptions = {}) {
      return ensureTopics(await connectAdmin(), topicPrefix, { ...ensureOptions, log });
    },
    async pipelineStatus(groups) {
      const redis = options.stats?.redis;
      if (redis === undefined) throw new Error('pipelineStatus needs stats.redis');
      const admin = await connectAdmin();
      return pipelineStatus({ admin, redis, groups, keyPrefix: options.stats?.keyPrefix });
    },
    async check() {
      const failed = [...handles].find((h) => h.failure() !== undefined);
      if (failed !== undefined) throw new Error(`consumer ${failed.groupId} has stopped`);
      await (await connectAdmin()).describeCluster();
    },
    async close() {
      await Promise.all([...handles].map((h) => h.stop()));
      await producer.disconnect();
      await adminClient.disconnect();
    },
  };
}
