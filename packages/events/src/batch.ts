import type { Batch, EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from 'pino';
import { retry, RetriesExhaustedError } from '@qm/kit';
import { ConsumerFailedError, isTransientError, messageOf } from './errors';
import { Headers, headersToRecord } from './headers';
import type { SendRaw } from './publisher';
import type { ConsumerStatsRecorder } from './stats';
import type { ConsumerSpec, IncomingEvent } from './types';
import { deadLetterTopic } from '@qm/contracts';

/** Backoff for handler retries. */
export interface HandlerRetryOptions {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/** What processing a batch needs besides the batch itself. */
export interface BatchContext<T> {
  spec: ConsumerSpec<T>;
  log: Logger;
  sendRaw: SendRaw;
  stats: ConsumerStatsRecorder;
  /** Messages per `handle` call; a long batch is cut so that offsets advance as it goes. */
  chunkSize: number;
  retry: HandlerRetryOptions;
}

/** Wraps kafkajs errors (heartbeat, rebalance) so the handler retry lets them through. */
class KafkaPassthrough extends Error {
  constructor(readonly inner: unknown) {
    super(messageOf(inner));
  }
}

async function heartbeatThrough(heartbeat: () => Promise<void>): Promise<void> {
  try {
    await heartbeat();
  } catch (error) {
    throw new KafkaPassthrough(error);
  }
}

/** What a handler step may ask of the batch it is part of. */
interface BatchControl {
  heartbeat: () => Promise<void>;
  /** False once the consumer stops or the partition went to another member. */
  holds: () => boolean;
}

/**
 * Runs a handler step, retrying transient errors with backoff and heartbeats in between.
 * A dependency that stays down stops nothing: once a round of retries is spent, another
 * begins for as long as this consumer holds the partition, so the service goes on by itself
 * when PostgreSQL or Redis is back. Any other error stops the consumer.
 */
async function withRetries<T>(
  ctx: BatchContext<T>,
  control: BatchControl,
  step: () => Promise<void>,
): Promise<void> {
  for (let round = 1; ; round += 1) {
    try {
      await retry(
        async (attempt) => {
          // A heartbeat between attempts keeps the group from dropping this member as it waits.
          if (attempt > 0 || round > 1) await heartbeatThrough(control.heartbeat);
          await step();
        },
        {
          ...ctx.retry,
          isRetriable: (e) => !(e instanceof KafkaPassthrough) && isTransientError(e),
          onRetry: (err, attempt, delayMs) =>
            ctx.log.warn({ err, attempt, delayMs }, 'handler failed, retrying'),
        },
      );
      return;
    } catch (error) {
      if (error instanceof KafkaPassthrough) throw error.inner;
      if (error instanceof RetriesExhaustedError && control.holds()) {
        ctx.log.error({ err: error.cause, round }, 'handler still failing, retrying on');
        continue;
      }
      throw new ConsumerFailedError(ctx.spec.groupId, ctx.spec.topic, error);
    }
  }
}

/** The dead-letter copy of a message: original key, bytes and headers, plus why and whence. */
export function deadLetterMessage(
  message: KafkaMessage,
  source: { topic: string; partition: number; groupId: string },
  reason: string,
): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [Headers.dlqReason]: reason,
      [Headers.dlqSourceTopic]: source.topic,
      [Headers.dlqSourcePartition]: String(source.partition),
      [Headers.dlqSourceOffset]: message.offset,
      [Headers.dlqConsumerGroup]: source.groupId,
    },
  };
}

/** Decodes and validates one message: the event, or the reason it is rejected. */
function decodeMessage<T>(
  spec: ConsumerSpec<T>,
  value: Buffer,
): { event: T; reason?: undefined } | { reason: string } {
  let event: T;
  try {
    event = spec.decode(value);
  } catch (error) {
    return { reason: `decode failed: ${messageOf(error)}` };
  }
  try {
    const problem = spec.validate?.(event);
    return problem === undefined ? { event } : { reason: `invalid: ${problem}` };
  } catch (error) {
    return { reason: `validation failed: ${messageOf(error)}` };
  }
}

/** Redis's replies to a command given a number it cannot use. */
const REDIS_VALUE_REPLY = new RegExp(
  '^ERR (value is NaN or Infinity|value is not an integer|value is not a valid float|' +
    'increment or decrement would overflow)',
);

/**
 * Whether a handler error is about the data rather than the system: PostgreSQL's data
 * exceptions (class 22, e.g. a NUL byte in text) and integrity violations (class 23), and
 * Redis refusing a value (NaN, an overflowing increment). Only these are narrowed down to
 * the events that cause them and dead-lettered; any other permanent error (a missing table,
 * a bug) stops the consumer instead of emptying the topic into the dead-letter queue.
 */
export function isDataError(error: unknown): boolean {
  if (error instanceof RetriesExhaustedError) return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && /^2[23][0-9A-Z]{3}$/.test(e.code)) return true;
  return (
    e?.name === 'ReplyError' && typeof e.message === 'string' && REDIS_VALUE_REPLY.test(e.message)
  );
}

interface ChunkCounts {
  consumed: number;
  deadLettered: number;
}

/**
 * Applies one slice of a batch in order: events go to `handle` in runs, a tombstone ends
 * the run before it, rejected messages are copied to the dead-letter topic. Resolves only
 * when every effect is stored, so the caller may then resolve and commit the offsets.
 */
async function processChunk<T>(
  ctx: BatchContext<T>,
  batch: Batch,
  messages: KafkaMessage[],
  control: BatchControl,
): Promise<ChunkCounts> {
  const { spec } = ctx;
  const source = { topic: batch.topic, partition: batch.partition, groupId: spec.groupId };
  const deadLetters: Message[] = [];
  const originals = new Map<IncomingEvent<T>, KafkaMessage>();
  let pending: IncomingEvent<T>[] = [];
  let consumed = 0;

  // A run that fails on its data is split until the offending events stand alone; they are
  // dead-lettered and the rest applied. Handlers are idempotent, so applying again events of
  // a failed run that had been stored is harmless.
  const apply = async (run: IncomingEvent<T>[]): Promise<number> => {
    try {
      await withRetries(ctx, control, () => spec.handle(run));
      return run.length;
    } catch (error) {
      if (!(error instanceof ConsumerFailedError) || !isDataError(error.cause)) throw error;
      if (run.length === 1) {
        const original = originals.get(run[0]) as KafkaMessage;
        const reason = `handler rejected the event: ${messageOf(error.cause)}`;
        deadLetters.push(deadLetterMessage(original, source, reason));
        return 0;
      }
      const half = Math.ceil(run.length / 2);
      return (await apply(run.slice(0, half))) + (await apply(run.slice(half)));
    }
  };

  const flush = async () => {
    if (pending.length === 0) return;
    const events = pending;
    pending = [];
    consumed += await apply(events);
  };

  for (const message of messages) {
    const key = message.key === null ? null : message.key.toString();
    if (message.value === null) {
      await flush();
      const { onTombstone } = spec;
      if (onTombstone !== undefined) await withRetries(ctx, control, () => onTombstone(key));
      consumed += 1;
      continue;
    }

    const decoded = decodeMessage(spec, message.value);
    if (decoded.reason !== undefined) {
      deadLetters.push(deadLetterMessage(message, source, decoded.reason));
      continue;
    }
    const headers = headersToRecord(message.headers);
    const event: IncomingEvent<T> = {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key,
      value: decoded.event,
      headers,
      requestId: headers[Headers.requestId],
    };
    originals.set(event, message);
    pending.push(event);
  }
  await flush();

  if (deadLetters.length > 0) {
    const reasons = [...new Set(deadLetters.map((m) => (m.headers ?? {})[Headers.dlqReason]))];
    ctx.log.warn(
      { count: deadLetters.length, reasons: reasons.slice(0, 5) },
      'messages dead-lettered',
    );
    try {
      await ctx.sendRaw(deadLetterTopic(batch.topic), deadLetters);
    } catch (error) {
      throw new ConsumerFailedError(spec.groupId, spec.topic, error);
    }
  }
  return { consumed, deadLettered: deadLetters.length };
}

/**
 * The `eachBatch` of every consumer: slices, applies, then resolves and commits each slice's
 * offsets. Stops between slices when the consumer stops or the partition was reassigned.
 */
export async function processBatch<T>(
  ctx: BatchContext<T>,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const control: BatchControl = {
    heartbeat: payload.heartbeat,
    holds: () => payload.isRunning() && !payload.isStale(),
  };

  for (let start = 0; start < batch.messages.length; start += ctx.chunkSize) {
    if (!payload.isRunning() || payload.isStale()) break;
    const chunk = batch.messages.slice(start, start + ctx.chunkSize);
    const counts = await processChunk(ctx, batch, chunk, control);

    const lastDone = chunk[chunk.length - 1].offset;
    payload.resolveOffset(lastDone);
    await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    await ctx.stats.record(ctx.spec.groupId, batch.topic, counts.consumed, counts.deadLettered);

    const lag = Math.max(0, Number(batch.highWatermark) - Number(lastDone) - 1);
    ctx.stats.setLag(ctx.spec.groupId, batch.topic, batch.partition, lag);
    ctx.spec.onLag?.(batch.partition, lag);
    await payload.heartbeat();
  }
}
