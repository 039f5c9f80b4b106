import type { PoolClient } from 'pg';

/** A message to publish. A null value is a tombstone. */
export interface OutgoingMessage {
  key: string;
  value: Buffer | null;
  headers?: Record<string, string>;
}

/** Publishes keyed messages; the request id, when given, travels in the `x-request-id` header. */
export interface Publisher {
  publish(
    topic: string,
    messages: OutgoingMessage[],
    options?: { requestId?: string },
  ): Promise<void>;
}

/** A consumed message after decoding. */
export interface IncomingEvent<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
  requestId?: string;
}

/** What a consumer does with the messages of one topic. */
export interface ConsumerSpec<T> {
  /** Consumer group; one per service and purpose, e.g. `forecasting.sales`. */
  groupId: string;
  topic: string;
  /** Turns the bytes into an event; a throw sends the message to the dead-letter topic. */
  decode: (value: Buffer) => T;
  /** A reason when the event is not acceptable (sent to the dead-letter topic), else undefined. */
  validate?: (event: T) => string | undefined;
  /**
   * Applies a batch of decoded events. Must be idempotent (see `claimEvents`): delivery is
   * at least once. Offsets are committed only after it resolves. A throw with
   * `retriable: true` is retried with backoff; any other throw stops the consumer.
   */
  handle: (events: IncomingEvent<T>[]) => Promise<void>;
  /**
   * Told, after each slice of a batch is committed, how many messages of that partition are
   * still behind its end as the batch was fetched: a consumer can tell a backlog from live
   * traffic, e.g. to put off work that only pays once it has caught up.
   */
  onLag?: (partition: number, lag: number) => void;
  /** Called for a tombstone (null value); by default tombstones are skipped. */
  onTombstone?: (key: string | null) => Promise<void>;
  /** Start from the earliest offset when the group has none (default true). */
  fromBeginning?: boolean;
  /** Messages per `handle` call at most; the bus's `maxBatchSize` when absent. */
  maxBatchSize?: number;
  /**
   * Partitions handled at once (default 1). More lets one partition's batch be decoded
   * while another's is being stored; order still holds within each partition.
   */
  partitionsConsumedConcurrently?: number;
}

/** A running consumer. */
export interface ConsumerHandle {
  readonly groupId: string;
  readonly topic: string;
  /** False once stopped or failed. */
  isRunning(): boolean;
  /** The error that stopped the consumer, if one did. */
  failure(): Error | undefined;
  stop(): Promise<void>;
}

/** Counts kept for `/v1/ops/pipeline` and metrics. */
export interface ConsumerStats {
  group: string;
  topic: string;
  consumed: number;
  deadLettered: number;
  lag: number;
}

export type { PoolClient };
