import type { Admin } from 'kafkajs';
import {
  ProductUpsertSchema,
  SaleLineSchema,
  create,
  decode,
  deadLetterTopic,
  encode,
  type ProductUpsert,
  type SaleLine,
} from '@qm/contracts';
import type { Redis } from '@qm/kit';
import type { ConsumerHandle, EventBus, IncomingEvent } from '../src';
import {
  caughtUp,
  committedOffsets,
  createTopics,
  dropKafkaState,
  dropRedisKeys,
  readMessages,
  testBus,
  testRedis,
  uniqueName,
  waitFor,
} from './support/stack';

// Group joins take seconds and the machine is shared.
jest.setTimeout(90_000);

const prefix = uniqueName('consumer');
let redis: Redis;
let bus: EventBus;
let admin: Admin;
const handles: ConsumerHandle[] = [];

beforeAll(async () => {
  redis = testRedis();
  bus = testBus(prefix, redis);
  admin = await bus.admin();
  await createTopics(admin, {
    [bus.topic('sales')]: 1,
    [deadLetterTopic(bus.topic('sales'))]: 1,
    [bus.topic('products')]: 1,
    [bus.topic('clickstream')]: 3,
  });
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});

afterAll(async () => {
  await dropKafkaState(admin, prefix);
  await dropRedisKeys(redis, prefix);
  await bus.close();
  redis.disconnect();
});

function saleLine(eventId: string): Buffer {
  return encode(
    SaleLineSchema,
    create(SaleLineSchema, { eventId, orderId: 'O-1', sku: 'SKU-1', quantity: 2, unitPrice: 3 }),
  );
}

describe('consumer runner on a real broker', () => {
  it('dead-letters a truncated message between two good ones and keeps consuming', async () => {
    const topic = bus.topic('sales');
    const groupId = `${prefix}.sales`;
    const good = saleLine('e-1');
    const truncated = saleLine('e-2-with-a-long-id').subarray(0, 12);
    expect(() => decode(SaleLineSchema, truncated)).toThrow();

    const handled: IncomingEvent<SaleLine>[] = [];
    handles.push(
      await bus.runConsumer<SaleLine>({
        groupId,
        topic,
        decode: (bytes) => decode(SaleLineSchema, bytes),
        validate: (line) => (line.eventId === '' ? 'eventId is empty' : undefined),
        handle: async (events) => {
          handled.push(...events);
        },
      }),
    );
    await bus.publisher.publish(
      topic,
      [
        { key: 'SKU-1', value: good },
        { key: 'SKU-1', value: truncated, headers: { origin: 'test' } },
        { key: 'SKU-1', value: saleLine('e-3') },
      ],
      { requestId: 'req-dlq' },
    );

    await waitFor('the good events', () => (handled.length >= 2 ? true : undefined));
    await waitFor('the commit past all three', async () =>
      (await committedOffsets(admin, groupId, topic)).get(0) === 3 ? true : undefined,
    );
    expect(handled.map((e) => e.value.eventId)).toEqual(['e-1', 'e-3']);
    expect(handled[0].requestId).toBe('req-dlq');

    const [dead] = await readMessages(deadLetterTopic(topic), 1, `${prefix}.reader`);
    expect(Buffer.compare(dead.value as Buffer, truncated)).toBe(0);
    expect(dead.key?.toString()).toBe('SKU-1');
    const headers = Object.fromEntries(
      Object.entries(dead.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(headers).toMatchObject({
      origin: 'test',
      'x-request-id': 'req-dlq',
      'x-dlq-source-topic': topic,
      'x-dlq-source-partition': '0',
      'x-dlq-source-offset': '1',
      'x-dlq-consumer-group': groupId,
    });
    expect(headers['x-dlq-reason']).toMatch(/^decode failed: /);

    expect(handles[0].isRunning()).toBe(true);
    await bus.publisher.publish(topic, [{ key: 'SKU-1', value: saleLine('e-4') }]);
    await waitFor('an event after the bad one', () => (handled.length >= 3 ? true : undefined));
    expect(handled.map((e) => e.value.eventId)).toEqual(['e-1', 'e-3', 'e-4']);

    await waitFor('lag 0', async () =>
      (await caughtUp(admin, groupId, topic)) ? true : undefined,
    );
    const status = await bus.pipelineStatus([groupId]);
    expect(status.consumers).toEqual([
      { group: groupId, topic, consumed: 3, deadLettered: 1, lag: 0 },
    ]);
  });

  it('hands a tombstone to onTombstone in order instead of crashing', async () => {
    const topic = bus.topic('products');
    const groupId = `${prefix}.products`;
    const seen: string[] = [];
    const upsert = (sku: string, title: string) =>
      encode(ProductUpsertSchema, create(ProductUpsertSchema, { sku, title }));

    handles.push(
      await bus.runConsumer<ProductUpsert>({
        groupId,
        topic,
        decode: (bytes) => decode(ProductUpsertSchema, bytes),
        handle: async (events) => {
          seen.push(...events.map((e) => `upsert ${e.value.sku}`));
        },
        onTombstone: async (key) => {
          seen.push(`delete ${key}`);
        },
      }),
    );
    await bus.publisher.publish(topic, [
      { key: 'A', value: upsert('A', 'Mug') },
      { key: 'A', value: null },
      { key: 'B', value: upsert('B', 'Plate') },
    ]);

    await waitFor('three messages', () => (seen.length >= 3 ? true : undefined));
    await waitFor('the commit', async () =>
      (await committedOffsets(admin, groupId, topic)).get(0) === 3 ? true : undefined,
    );
    expect(seen).toEqual(['upsert A', 'delete A', 'upsert B']);
    expect(handles[0].isRunning()).toBe(true);
    expect(handles[0].failure()).toBeUndefined();
  });

  it('handles partitions at once with its own batch size, each partition in order', async () => {
    const topic = bus.topic('clickstream');
    const groupId = `${prefix}.clicks`;
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await bus.publisher.publish(
      topic,
      Array.from({ length: 120 }, (_, i) => ({
        key: keys[i % keys.length],
        value: Buffer.from(`${keys[i % keys.length]}:${i}`),
      })),
    );

    const seen: string[] = [];
    const sizes: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    handles.push(
      await bus.runConsumer<string>({
        groupId,
        topic,
        maxBatchSize: 7,
        partitionsConsumedConcurrently: 3,
        decode: (bytes) => bytes.toString(),
        handle: async (events) => {
          inFlight++;
          mostInFlight = Math.max(mostInFlight, inFlight);
          sizes.push(events.length);
          await new Promise((resolve) => setTimeout(resolve, 20));
          seen.push(...events.map((e) => e.value));
          inFlight--;
        },
      }),
    );

    await waitFor('every message', () => (seen.length >= 120 ? true : undefined));
    await waitFor('lag 0', async () =>
      (await caughtUp(admin, groupId, topic)) ? true : undefined,
    );
    expect(seen).toHaveLength(120);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    expect(mostInFlight).toBeGreaterThan(1);
    for (const key of keys) {
      const order = seen.filter((v) => v.startsWith(`${key}:`)).map((v) => Number(v.slice(2)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
      expect(order).toHaveLength(20);
    }
  });
});
