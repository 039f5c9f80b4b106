import type { Admin } from 'kafkajs';
import { SaleLineSchema, create, decode, encode, type SaleLine } from '@qm/contracts';
import { createLogger, createPool, type Pool, type Redis } from '@qm/kit';
import {
  claimEvents,
  pipelineStatus,
  type ConsumerHandle,
  type EventBus,
  type IncomingEvent,
} from '../src';
import {
  DATABASE_URL,
  caughtUp,
  createTopics,
  dropKafkaState,
  dropRedisKeys,
  testBus,
  testRedis,
  uniqueName,
  waitFor,
} from './support/stack';

// Group joins take seconds and the machine is shared.
jest.setTimeout(90_000);

const prefix = uniqueName('idempotence');
const schema = prefix.replace(/-/g, '_');
let pool: Pool;
let redis: Redis;
let bus: EventBus;
let admin: Admin;
const handles: ConsumerHandle[] = [];

beforeAll(async () => {
  pool = createPool(DATABASE_URL, createLogger('events-test', 'silent'), { max: 4 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  redis = testRedis();
  bus = testBus(prefix, redis, 20);
  admin = await bus.admin();
});

beforeEach(async () => {
  await pool.query(`
    DROP TABLE IF EXISTS ${schema}.processed_events, ${schema}.units_sold;
    CREATE TABLE ${schema}.processed_events (
      event_id text PRIMARY KEY, processed_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${schema}.units_sold (sku text PRIMARY KEY, units bigint NOT NULL);
  `);
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});

afterAll(async () => {
  await dropKafkaState(admin, prefix);
  await dropRedisKeys(redis, prefix);
  await bus.close();
  redis.disconnect();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

/** Applies sale lines once each: claims their ids and adds the units of the new ones. */
async function applyLines(events: IncomingEvent<SaleLine>[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const fresh = await claimEvents(
      client,
      `${schema}.processed_events`,
      events.map((e) => e.value),
    );
    for (const value of fresh) {
      await client.query(
        `INSERT INTO ${schema}.units_sold (sku, units) VALUES ($1, $2)
         ON CONFLICT (sku) DO UPDATE SET units = units_sold.units + EXCLUDED.units`,
        [value.sku, value.quantity],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

function line(eventId: string, sku: string, quantity: number): Buffer {
  return encode(
    SaleLineSchema,
    create(SaleLineSchema, { eventId, sku, quantity, orderId: eventId }),
  );
}

async function unitsBySku(): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ sku: string; units: string }>(
    `SELECT sku, units FROM ${schema}.units_sold ORDER BY sku`,
  );
  return Object.fromEntries(rows.map((r) => [r.sku, Number(r.units)]));
}

async function processedCount(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${schema}.processed_events`,
  );
  return Number(rows[0].n);
}

const decodeLine = (bytes: Buffer) => decode(SaleLineSchema, bytes);

describe('effectively-once handling with claimEvents', () => {
  it('applies a purchase delivered three times as if it came once', async () => {
    const topic = `${bus.topic('sales')}.thrice`;
    const groupId = `${prefix}.thrice`;
    await createTopics(admin, { [topic]: 1 });
    let deliveries = 0;

    handles.push(
      await bus.runConsumer<SaleLine>({
        groupId,
        topic,
        decode: decodeLine,
        handle: async (events) => {
          deliveries += events.length;
          await applyLines(events);
        },
      }),
    );
    const purchase = line('order-7/0', 'SKU-MUG', 3);
    for (let i = 0; i < 3; i++) {
      await bus.publisher.publish(topic, [{ key: 'SKU-MUG', value: purchase }]);
    }

    await waitFor('three deliveries', () => (deliveries >= 3 ? true : undefined));
    await waitFor('lag 0', async () =>
      (await caughtUp(admin, groupId, topic)) ? true : undefined,
    );
    expect(deliveries).toBe(3);
    expect(await unitsBySku()).toEqual({ 'SKU-MUG': 3 });
    expect(await processedCount()).toBe(1);
  });

  it('loses and double-counts nothing when a consumer dies mid-stream and restarts', async () => {
    const topic = `${bus.topic('sales')}.restart`;
    const groupId = `${prefix}.restart`;
    const total = 300;
    await createTopics(admin, { [topic]: 3 });
    const lines = Array.from({ length: total }, (_, i) => ({
      key: `SKU-${i % 10}`,
      value: line(`e-${i}`, `SKU-${i % 10}`, 1),
    }));
    await bus.publisher.publish(topic, lines);

    // The first consumer stores a slice, then dies before its offsets are committed.
    let deliveries = 0;
    const first = await bus.runConsumer<SaleLine>({
      groupId,
      topic,
      decode: decodeLine,
      handle: async (events) => {
        await applyLines(events);
        deliveries += events.length;
        if (deliveries >= 120) throw new Error('process killed after storing a slice');
      },
    });
    handles.push(first);
    await waitFor('the first consumer to die', () => first.failure());
    expect(first.isRunning()).toBe(false);
    const storedBeforeRestart = await processedCount();
    expect(storedBeforeRestart).toBeGreaterThanOrEqual(120);
    expect(storedBeforeRestart).toBeLessThan(total);

    let redelivered = 0;
    handles.push(
      await bus.runConsumer<SaleLine>({
        groupId,
        topic,
        decode: decodeLine,
        handle: async (events) => {
          redelivered += events.length;
          await applyLines(events);
        },
      }),
    );
    await waitFor('lag 0', async () =>
      (await caughtUp(admin, groupId, topic)) ? true : undefined,
    );

    const units = await unitsBySku();
    expect(Object.values(units).reduce((a, b) => a + b, 0)).toBe(total);
    expect(Object.values(units)).toEqual(Array(10).fill(total / 10));
    expect(await processedCount()).toBe(total);
    // The slice stored before the crash came again and was dropped by claimEvents.
    expect(deliveries + redelivered).toBeGreaterThan(total);

    const status = await pipelineStatus({ admin, redis, groups: [groupId], keyPrefix: 'none:' });
    expect(status.consumers).toEqual([
      { group: groupId, topic, consumed: 0, deadLettered: 0, lag: 0 },
    ]);
  });

  it('applies every event once while a second member joins the group mid-stream', async () => {
    const topic = `${bus.topic('sales')}.rebalance`;
    const groupId = `${prefix}.rebalance`;
    const total = 1200;
    await createTopics(admin, { [topic]: 3 });
    await bus.publisher.publish(
      topic,
      Array.from({ length: total }, (_, i) => ({
        key: `SKU-${i % 12}`,
        value: line(`r-${i}`, `SKU-${i % 12}`, 1),
      })),
    );
    const handledBy = { first: 0, second: 0 };
    // Slow work, so that the stream is still running when the second member arrives.
    const slowHandler =
      (member: keyof typeof handledBy) => async (events: IncomingEvent<SaleLine>[]) => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        await applyLines(events);
        handledBy[member] += events.length;
      };

    handles.push(
      await bus.runConsumer({ groupId, topic, decode: decodeLine, handle: slowHandler('first') }),
    );
    await waitFor('the first member to start', () => (handledBy.first > 0 ? true : undefined));
    handles.push(
      await bus.runConsumer({ groupId, topic, decode: decodeLine, handle: slowHandler('second') }),
    );
    await waitFor(
      'lag 0',
      async () => ((await caughtUp(admin, groupId, topic)) ? true : undefined),
      60_000,
    );

    expect(handledBy.second).toBeGreaterThan(0);
    expect(handledBy.first + handledBy.second).toBeGreaterThanOrEqual(total);
    expect(Object.values(await unitsBySku())).toEqual(Array(12).fill(total / 12));
    expect(await processedCount()).toBe(total);
  });
});
