import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { BROKERS } from './stack';
import type { ServiceTestStack } from './service-stack';

/** What a test reads from a topic: every message so far, in order. */
export interface TopicReader {
  readonly messages: KafkaMessage[];
  /** Leaves the group; the stack's teardown deletes it with the run's other groups. */
  close(): Promise<void>;
}

/**
 * Reads a topic from its beginning into `messages`, in a group of the stack's own (so that
 * teardown removes it), for tests about what a service publishes.
 */
export async function readTopic(stack: ServiceTestStack, topic: string): Promise<TopicReader> {
  const kafka = new Kafka({
    brokers: BROKERS,
    clientId: `${stack.prefix}-reader`,
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `${stack.prefix}.reader`, maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
  return { messages, close: () => consumer.disconnect() };
}
