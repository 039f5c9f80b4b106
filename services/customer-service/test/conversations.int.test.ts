import { join } from 'node:path';
import pino from 'pino';
import { decode, SupportHandoffSchema, timestampDate } from '@qm/contracts';
import { createEventBus, deletePrefixed, type EventBus, type Publisher } from '@qm/events';
import { topicSize } from '@qm/facts';
import { Redis, dropKeys, migrate, type ServiceApp } from '@qm/kit';
import {
  BROKERS,
  REDIS_URL,
  createTestDatabase,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '@qm/tests';
import { redisConversationStore, type ConversationStore } from '../src/adapters/conversations';
import { kafkaHandoffSink, pgHandoffLog, recordThenPublish } from '../src/adapters/handoffs';
import { factsOrderLookup } from '../src/adapters/orders';
import type { TurnLimits } from '../src/adapters/turns';
import { buildApp } from '../src/app';
import { keywordClassifier, TEST_SETTINGS } from './fakes';

const log = pino({ level: 'warn' });
const ROOMY: TurnLimits = { waitMs: 10_000, leaseMs: 10_000 };

describe('one conversation on two instances, with Redis, PostgreSQL and Kafka', () => {
  const prefix = `${uniqueName('support-turns')}.`;
  const redisPrefix = `${prefix}:`;
  let db: TestDatabase;
  let bus: EventBus;
  const clients: Redis[] = [];
  const apps: ServiceApp[] = [];
  let conversationCount = 0;

  /** A Redis connection of its own, as another process of the service would have. */
  function connect(): Redis {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    return redis;
  }

  function store(limits: TurnLimits): ConversationStore {
    return redisConversationStore(connect(), redisPrefix, 60, limits);
  }

  async function instance(
    limits: TurnLimits = ROOMY,
    publisher: Publisher = bus.publisher,
  ): Promise<ServiceApp> {
    const app = await buildApp({
      log,
      classifier: keywordClassifier([[/human|person/i, 'contact_human_agent']]),
      orders: factsOrderLookup(db.pool),
      conversations: store(limits),
      handoffs: recordThenPublish(pgHandoffLog(db.pool), kafkaHandoffSink(publisher, prefix)),
      transcriber: { transcribe: async () => ({ text: '', confidence: 0 }) },
      ...TEST_SETTINGS,
    });
    apps.push(app);
    return app;
  }

  const newConversationId = () => `${prefix}c${++conversationCount}`;
  const send = (app: ServiceApp, conversationId: string, text: string) =>
    app.inject({ method: 'POST', url: '/v1/support/messages', payload: { conversationId, text } });

  async function storedState(conversationId: string) {
    const raw = await clients[0].get(`${redisPrefix}conv:${conversationId}`);
    return raw === null ? undefined : JSON.parse(raw);
  }

  beforeAll(async () => {
    db = await createTestDatabase('support_turns');
    await migrate({
      databaseUrl: db.url,
      schema: 'support',
      dir: join(__dirname, '..', 'migrations'),
      log,
    });
    bus = createEventBus({
      brokers: BROKERS,
      clientId: 'support-turns-test',
      log,
      topicPrefix: prefix,
    });
    await bus.ensureTopics();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    if (clients.length > 0) await dropKeys(clients[0], `${redisPrefix}*`);
    for (const redis of clients) redis.disconnect();
    if (bus !== undefined) {
      await deletePrefixed(await bus.admin(), prefix);
      await bus.close();
    }
    await db?.drop();
  });

  it('counts every one of ten simultaneous messages sent to two instances', async () => {
    const [first, second] = [await instance(), await instance()];
    const conversationId = newConversationId();
    const texts = Array.from({ length: 10 }, (_, i) => `blorp ${'abcdefghij'[i]}`);

    const answers = await Promise.all(
      texts.map((text, i) => send(i % 2 === 0 ? first : second, conversationId, text)),
    );

    expect(answers.map((a) => a.statusCode)).toEqual(texts.map(() => 200));
    const state = await storedState(conversationId);
    const heard = state.turns.filter((t: { from: string }) => t.from === 'shopper');
    expect(heard.map((t: { text: string }) => t.text).sort()).toEqual(texts);
    expect(state.fallbacks).toBe(10);
    // Only the first message answered is not yet a second fallback in a row.
    expect(answers.filter((a) => a.json().escalate === false)).toHaveLength(1);
  });

  it('hands off once, to PostgreSQL and Kafka, for simultaneous messages', async () => {
    const [first, second] = [await instance(), await instance()];
    const conversationId = newConversationId();

    await Promise.all([send(first, conversationId, 'blorp'), send(second, conversationId, 'zing')]);

    const { rows } = await db.pool.query(
      'SELECT reason FROM support.handoffs WHERE conversation_id = $1',
      [conversationId],
    );
    expect(rows).toEqual([{ reason: 'not understood twice' }]);
    // Other tests hand off too: Kafka holds one event for each row, no more.
    const logged = await db.pool.query('SELECT count(*)::int AS n FROM support.handoffs');
    const published = await topicSize(await bus.admin(), bus.topic('supportHandoffs'));
    expect(published).toBe(logged.rows[0].n);
  });

  it('lets messages of one conversation go on in the order they reached Redis', async () => {
    const [a, b] = [store(ROOMY), store(ROOMY)];
    const conversationId = newConversationId();
    const queueLength = async (n: number) =>
      (await clients[0].llen(`${redisPrefix}turns:${conversationId}`)) === n ? true : undefined;
    const order: string[] = [];

    const held = await a.lock(conversationId);
    const second = b.lock(conversationId).then((lock) => (order.push('second'), lock));
    await waitFor('the second message in line', () => queueLength(2));
    const third = a.lock(conversationId).then((lock) => (order.push('third'), lock));
    await waitFor('the third message in line', () => queueLength(3));

    await a.unlock(held!);
    await b.unlock((await second)!);
    await a.unlock((await third)!);
    expect(order).toEqual(['second', 'third']);
  });

  it('answers 503 naming the conversation when its earlier message outlasts the wait', async () => {
    const app = await instance({ waitMs: 300, leaseMs: 10_000 });
    const conversationId = newConversationId();
    const holder = store(ROOMY);
    const held = await holder.lock(conversationId);

    try {
      const res = await send(app, conversationId, 'hello there');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'CONVERSATION_BUSY', field: 'conversationId' });
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await holder.unlock(held!);
    }
  });

  it('does not make a message wait on another conversation', async () => {
    const app = await instance({ waitMs: 300, leaseMs: 10_000 });
    const holder = store(ROOMY);
    const held = await holder.lock(newConversationId());

    try {
      const res = await send(app, newConversationId(), 'hello there');
      expect(res.statusCode).toBe(200);
    } finally {
      await holder.unlock(held!);
    }
  });

  it('lets the next message go on once one held the conversation past its lease', async () => {
    const conversations = store({ waitMs: 5_000, leaseMs: 200 });
    const conversationId = newConversationId();
    const stalled = await conversations.lock(conversationId);
    const state = await conversations.load(conversationId, undefined);

    const next = await conversations.lock(conversationId);

    expect(next).toBeDefined();
    // The stalled message lost its turn: its late write would undo the next one's.
    expect(await conversations.save(state, stalled)).toBe(false);
    expect(await storedState(conversationId)).toBeUndefined();
    expect(await conversations.save(state, next)).toBe(true);
  });

  it('records one row for a hand-off retried after its first publish timed out', async () => {
    // Kafka holds the first publish until the retry is done: it lands late, as a slow one.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let publishes = 0;
    const slowFirst: Publisher = {
      async publish(topic, messages, options) {
        if (++publishes === 1) await held;
        await bus.publisher.publish(topic, messages, options);
      },
    };
    const app = await instance(ROOMY, slowFirst);
    const conversationId = newConversationId();
    const events: Date[] = [];
    const reader = await bus.runConsumer({
      groupId: `${prefix}late-handoffs`,
      topic: bus.topic('supportHandoffs'),
      decode: (bytes) => decode(SupportHandoffSchema, bytes),
      handle: async (batch) => {
        for (const e of batch) {
          const at = e.value.handedOffAt;
          if (e.value.conversationId === conversationId && at) events.push(timestampDate(at));
        }
      },
    });

    try {
      await send(app, conversationId, 'a person please');
      expect((await storedState(conversationId)).escalated).toBe(false);
      await send(app, conversationId, 'a person please');
      expect((await storedState(conversationId)).escalated).toBe(true);
    } finally {
      release();
    }

    const { rows } = await db.pool.query(
      'SELECT handed_off_at FROM support.handoffs WHERE conversation_id = $1',
      [conversationId],
    );
    expect(rows).toHaveLength(1);
    // The late event and the retry's are the same hand-off, as its row has it.
    try {
      await waitFor('both events', async () => (events.length >= 2 ? true : undefined));
    } finally {
      await reader.stop();
    }
    expect(events).toEqual([rows[0].handed_off_at, rows[0].handed_off_at]);
  });
});
