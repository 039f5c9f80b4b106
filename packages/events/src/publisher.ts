import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { retry } from '@qm/kit';
import { isTransientError } from './errors';
import { Headers } from './headers';
import type { OutgoingMessage, Publisher } from './types';

/** Retry settings for sends, on top of the retries kafkajs makes itself. */
export interface SendRetryOptions {
  retries?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** A raw send: what the dead-letter path needs besides `publish` (headers as kafkajs has them). */
export type SendRaw = (topic: string, messages: Message[]) => Promise<void>;

/** Sends through an idempotent producer with acks from all replicas, retrying transient errors. */
export function createSendRaw(
  producer: Producer,
  log: Logger,
  options: SendRetryOptions = {},
): SendRaw {
  return async (topic, messages) => {
    if (messages.length === 0) return;
    await retry(() => producer.send({ topic, messages, acks: -1 }), {
      retries: options.retries ?? 3,
      minDelayMs: options.minDelayMs ?? 200,
      maxDelayMs: options.maxDelayMs ?? 5000,
      isRetriable: isTransientError,
      onRetry: (err, attempt, delayMs) =>
        log.warn({ err, topic, attempt, delayMs }, 'kafka send failed, retrying'),
    });
  };
}

/** The {@link Publisher} over a raw send: keyed messages, request id in `x-request-id`. */
export function createPublisher(send: SendRaw): Publisher {
  return {
    async publish(topic: string, messages: OutgoingMessage[], options = {}) {
      const { requestId } = options;
      const kafkaMessages = messages.map((m) => ({
        key: m.key,
        value: m.value,
        headers:
          requestId === undefined ? m.headers : { ...m.headers, [Headers.requestId]: requestId },
      }));
      await send(topic, kafkaMessages);
    },
  };
}
