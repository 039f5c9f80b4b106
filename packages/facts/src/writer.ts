import type { Pool } from 'pg';
import type { Logger } from 'pino';
import {
  ClickEventSchema,
  ProductUpsertSchema,
  SaleLineSchema,
  decode,
  topicName,
  type ClickEvent,
  type ProductUpsert,
  type SaleLine,
  clickEventProblem,
  productProblem,
  saleLineProblem,
} from '@qm/contracts';
import {
  consumerGroupId,
  type ConsumerHandle,
  type ConsumerSpec,
  type IncomingEvent,
} from '@qm/events';
import { storeClickEvents, storeProducts, storeSaleLines } from './store';

/** The part of the event bus the writer uses. */
export interface ConsumerRunner {
  runConsumer<T>(spec: ConsumerSpec<T>): Promise<ConsumerHandle>;
}

export interface FactsWriterOptions {
  bus: ConsumerRunner;
  pool: Pool;
  log: Logger;
  /**
   * The deployment's topic prefix (`QM_KAFKA_TOPIC_PREFIX`). It prefixes the group ids too, so
   * that deployments (and tests) sharing a cluster do not join each other's groups.
   */
  topicPrefix?: string;
  /** Events per SQL statement at most (default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /** Partitions of a topic stored at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
}

/**
 * Large statements spread the per-statement cost (parse, plan, commit, offset commit) and
 * fold each order fewer times; 5,000 lines are about 2 MB of JSON.
 */
export const DEFAULT_BATCH_SIZE = 5000;

/**
 * Two partitions at once: while one batch is in PostgreSQL the next is decoded, which keeps
 * both cores busy on a small machine. Batches lock orders and customers in key order, so
 * concurrent ones wait for each other instead of deadlocking.
 */
export const DEFAULT_CONCURRENCY = 2;

/** The running fact consumers. */
export interface FactsWriter {
  readonly consumers: ConsumerHandle[];
  stop(): Promise<void>;
}

/** Consumer groups of the writer, one per topic. */
export const FactsGroups = {
  sales: 'facts.sales',
  clickstream: 'facts.clickstream',
  products: 'facts.products',
} as const;

/** A writer group's id under a deployment's prefix. */
export function factsGroupId(key: keyof typeof FactsGroups, topicPrefix = ''): string {
  return consumerGroupId(FactsGroups[key], topicPrefix);
}

function values<T>(events: IncomingEvent<T>[]): T[] {
  return events.map((e) => e.value);
}

/**
 * Starts the consumers that store sales, clickstream and product facts. Invalid events go to
 * the dead-letter topics with their reason; each batch is one idempotent statement.
 */
export async function startFactsWriter(options: FactsWriterOptions): Promise<FactsWriter> {
  const { bus, pool, topicPrefix = '' } = options;
  const batching = {
    maxBatchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    partitionsConsumedConcurrently: options.concurrency ?? DEFAULT_CONCURRENCY,
  };
  const log = options.log.child({ component: 'facts-writer' });

  const sales: ConsumerSpec<SaleLine> = {
    ...batching,
    groupId: factsGroupId('sales', topicPrefix),
    topic: topicName('sales', topicPrefix),
    decode: (bytes) => decode(SaleLineSchema, bytes),
    validate: (line) => saleLineProblem(line),
    handle: (events) => storeSaleLines(pool, values(events)),
  };
  const clicks: ConsumerSpec<ClickEvent> = {
    ...batching,
    groupId: factsGroupId('clickstream', topicPrefix),
    topic: topicName('clickstream', topicPrefix),
    decode: (bytes) => decode(ClickEventSchema, bytes),
    validate: (click) => clickEventProblem(click),
    handle: (events) => storeClickEvents(pool, values(events)),
  };
  const products: ConsumerSpec<ProductUpsert> = {
    ...batching,
    groupId: factsGroupId('products', topicPrefix),
    topic: topicName('products', topicPrefix),
    decode: (bytes) => decode(ProductUpsertSchema, bytes),
    validate: (product) => productProblem(product),
    handle: (events) => storeProducts(pool, values(events)),
  };

  const consumers: ConsumerHandle[] = [];
  try {
    consumers.push(await bus.runConsumer(sales));
    consumers.push(await bus.runConsumer(clicks));
    consumers.push(await bus.runConsumer(products));
  } catch (err) {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    throw err;
  }
  log.info({ groups: consumers.map((c) => c.groupId), topicPrefix }, 'facts writer started');

  return {
    consumers,
    async stop() {
      await Promise.all(consumers.map((c) => c.stop()));
      log.info('facts writer stopped');
    },
  };
}
