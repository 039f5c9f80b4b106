import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  create,
  deadLetterTopic,
  decode,
  encode,
  FraudDecisionSchema,
  SaleKind,
  SaleLineSchema,
  timestampFromDate,
  type FraudDecision,
} from '@qm/contracts';
import type { EventBus } from '@qm/events';
import { createLogger, type Pool, type Redis, type ServiceApp } from '@qm/kit';
import { openServiceTestStack, type ServiceTestStack } from '@qm/tests';
import { DecisionLog } from '../src/adapters/decision-log';
import { FeedbackRepository } from '../src/adapters/feedback-repository';
import { kafkaDecisionPublisher } from '../src/adapters/kafka-decisions';
import { RedisVelocityStore } from '../src/adapters/redis-velocity';
import { RulesRepository } from '../src/adapters/rules-repository';
import { salesConsumer } from '../src/adapters/sales-consumer';
import { buildApp } from '../src/app';
import { MemoryVelocityStore, type Observation, type RecordMode } from '../src/domain/velocity';
import { ModelHolder } from '../src/model/model-holder';
import { testArtefact } from './fakes';
import { waitFor } from './wait';

const log = createLogger('fraud-it', 'warn');
const id = randomBytes(4).toString('hex');

jest.setTimeout(60_000);

describe('fraud service on PostgreSQL, Redis and Kafka', () => {
  let stack: ServiceTestStack;
  let schema: string;
  let redisPrefix: string;
  let topicPrefix: string;
  let pool: Pool;
  let redis: Redis;
  let bus: EventBus;
  let app: ServiceApp;
  let decisions: DecisionLog;
  const published: FraudDecision[] = [];
  const deadSales: string[] = [];

  beforeAll(async () => {
    stack = await openServiceTestStack('fraud', join(__dirname, '..', 'migrations'));
    ({ pool, redis, bus, schema } = stack);
    redisPrefix = `${stack.prefix}:`;
    topicPrefix = bus.topicPrefix;

    const velocity = new RedisVelocityStore(redis, redisPrefix);
    const rules = new RulesRepository(pool, 60_000, schema);
    decisions = new DecisionLog(
      pool,
      kafkaDecisionPublisher(bus.publisher, bus.topic('fraudDecisions')),
      log,
      20,
      { schema },
    );
    decisions.start();
    app = await buildApp({
      logger: log,
      desk: {
        velocity,
        rules: () => rules.current(),
        model: () => testArtefact(),
        context: {},
        models: new ModelHolder(testArtefact()),
        decisions,
        feedback: new FeedbackRepository(pool, schema),
        rulesStore: rules,
      },
    });
    await bus.runConsumer({
      groupId: `${topicPrefix}decisions-reader`,
      topic: bus.topic('fraudDecisions'),
      decode: (value) => decode(FraudDecisionSchema, value),
      handle: async (events) => {
        published.push(...events.map((e) => e.value));
      },
    });
    await bus.runConsumer({
      groupId: `${topicPrefix}sales-dlq-reader`,
      topic: deadLetterTopic(bus.topic('sales')),
      decode: (value) => decode(SaleLineSchema, value),
      handle: async (events) => {
        deadSales.push(...events.map((e) => e.value.eventId));
      },
    });
    await bus.runConsumer(
      salesConsumer({
        pool,
        velocity,
        topic: bus.topic('sales'),
        log,
        groupPrefix: topicPrefix,
        schema,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await decisions?.stop();
    await stack?.teardown();
  }, 60_000);

  const order = (over: Record<string, unknown> = {}) => ({
    transactionId: `t-${randomBytes(4).toString('hex')}`,
    customerId: 'c-1',
    amount: 20,
    createdAt: '2026-03-02T10:00:00Z',
    deviceId: `dev-${id}`,
    ipAddress: '10.1.2.3',
    ...over,
  });
  const score = async (body: object) =>
    (await app.inject({ method: 'POST', url: '/v1/fraud/score', payload: body })).json();

  it('keeps velocity and entity histories in Redis exactly like the training store', async () => {
    const redisStore = new RedisVelocityStore(redis, `${redisPrefix}same:`);
    const memory = new MemoryVelocityStore();
    const t0 = Date.parse('2026-03-02T10:00:00Z');
    const steps: [Observation, RecordMode][] = [];
    for (let i = 0; i < 40; i++) {
      const customer = `c${i % 7}`;
      const at = t0 + i * 20_000 + (i % 3) * 3_600_000;
      const entities = { device: `d${i % 3}`, ip: `ip${i % 5}`, email: `e${i % 4}`, customer };
      const amount = 5 + (i % 4) * 12.35;
      const placed = { transactionId: `o${i}`, customerId: customer, amount, at, entities };
      steps.push([{ ...placed, quick: i % 4 === 1 }, 'replace']);
      if (i % 10 === 0) steps.push([placed, 'replace']);
      if (i % 9 === 0) steps.push([{ ...placed, transactionId: `r${i}` }, 'read']);
      if (i % 6 === 0) {
        const sale = {
          transactionId: `s${i}`,
          customerId: customer,
          amount: 3,
          at,
          entities: { customer },
        };
        steps.push([sale, 'add'], [sale, 'add']);
      }
    }
    let last = memory.observeNow(steps[0][0], 'read');
    for (const [observation, mode] of steps) {
      const online = await redisStore.observe(observation, mode);
      const offline = memory.observeNow(observation, mode);
      last = offline;
      expect(online.velocity).toEqual(offline.velocity);
      expect(online.entities).toEqual(offline.entities);
      expect(online.history.count).toBe(offline.history.count);
      expect(online.history.sum).toBeCloseTo(offline.history.sum, 6);
      expect(online.history.sumSq).toBeCloseTo(offline.history.sumSq, 4);
    }
    // The comparison covered histories with something in them.
    const { orders, accounts, quickOrders, sameAmount } = last.entities.device;
    expect(Math.min(orders, accounts, quickOrders, sameAmount)).toBeGreaterThan(0);
  });

  it('counts a transaction rescored in Redis once, reading what its first call read', async () => {
    const store = new RedisVelocityStore(redis, `${redisPrefix}retry:`);
    const t0 = Date.parse('2026-12-04T06:00:00Z');
    const entities = { device: 'd9', ip: '10.1.2.3', customer: 'c9' };
    const earlier = { transactionId: 'p-1', customerId: 'c9', amount: 120, entities };
    await store.observe({ ...earlier, at: t0 - 3_600_000 }, 'replace');
    const retried = { ...earlier, transactionId: 'p-dup', at: t0, quick: true };

    const first = await store.observe(retried, 'replace');
    const again = await store.observe(retried, 'replace');
    expect(again.velocity).toEqual(first.velocity);
    expect(again.entities).toEqual(first.entities);
    expect(again.history.count).toBe(first.history.count);
    expect(again.history.sum).toBeCloseTo(first.history.sum, 6);
    expect(again.history.sumSq).toBeCloseTo(first.history.sumSq, 4);

    const next = { ...earlier, transactionId: 'p-next', at: t0 + 1000 };
    const after = await store.observe(next, 'read');
    expect(after.history.count).toBe(2);
    expect(after.entities.device).toMatchObject({ orders: 2, quickOrders: 1, sameAmount: 2 });
  });

  it('declines an order from a device blocked through the API, listed in PostgreSQL', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/fraud/lists/device',
      payload: { block: ['dev-stolen'], allow: [] },
    });
    expect(put.statusCode).toBe(200);
    const { rows } = await pool.query(`select value, action from ${schema}.list_entries`);
    expect(rows).toEqual([{ value: 'dev-stolen', action: 'block' }]);

    const body = await score(order({ deviceId: 'dev-stolen' }));
    expect(body.decision).toBe('decline');
    expect(body.reasons[0].code).toBe('BLOCKLIST_DEVICE');
  });

  it('replaces a list sent twice at once with one of the two, and answers both', async () => {
    const put = (block: string[]) =>
      app.inject({ method: 'PUT', url: '/v1/fraud/lists/email', payload: { block, allow: [] } });
    const first = ['a@example.com', 'b@example.com'];
    const second = ['b@example.com', 'c@example.com'];

    const answers = await Promise.all([put(first), put(second), put(first), put(second)]);

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    const list = await app.inject({ method: 'GET', url: '/v1/fraud/lists/email' });
    expect([first, second]).toContainEqual(list.json<{ block: string[] }>().block);
  });

  it('replaces the limits sent twice at once with one of the two, and answers both', async () => {
    const put = (limits: object) =>
      app.inject({ method: 'PUT', url: '/v1/fraud/rules', payload: { limits } });
    // Far above any order of these tests, so the ones after it score as before.
    const first = { maxAmount: 1_000_000 };
    const second = { maxAmount: 2_000_000, maxOrdersPerIpPerHour: 1_000_000 };

    const answers = await Promise.all([put(first), put(second), put(first), put(second)]);

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    const rules = await app.inject({ method: 'GET', url: '/v1/fraud/rules' });
    expect([first, second]).toContainEqual(rules.json<{ limits: object }>().limits);
  });

  it('scores the fifth order from one device in a minute higher than the first', async () => {
    const device = `dev-burst-${id}`;
    const scores: number[] = [];
    for (let i = 0; i < 5; i++) {
      const createdAt = new Date(Date.parse('2026-03-02T11:00:00Z') + i * 1000).toISOString();
      scores.push((await score(order({ deviceId: device, customerId: `b${i}`, createdAt }))).score);
    }
    expect(scores[4]).toBeGreaterThan(scores[0]);
  });

  it('stores and publishes a decision once, even for a transaction scored twice', async () => {
    const first = order();
    await score(first);
    await score(first);
    const marker = order();
    await score(marker);
    await waitFor('both decisions published', () =>
      [first, marker].every((o) => published.some((p) => p.transactionId === o.transactionId)),
    );
    await decisions.flush();
    const { rows } = await pool.query(
      `select count(*)::int as n, bool_and(published_at is not null) as published
       from ${schema}.decisions where transaction_id = $1`,
      [first.transactionId],
    );
    expect(rows[0]).toEqual({ n: 1, published: true });
    expect(published.filter((p) => p.transactionId === first.transactionId)).toHaveLength(1);
  });

  it('stores the decisions of a batch around one whose row PostgreSQL refuses', async () => {
    const [before, bad, after] = [order(), order(), order()];
    await score(before);
    // A lone surrogate serialises to JSON that PostgreSQL's jsonb refuses as bad data.
    const decision = {
      transactionId: bad.transactionId,
      customerId: 'c-1',
      score: 0.5,
      riskLevel: 'normal' as const,
      decision: 'review' as const,
      reasons: [],
      modelVersion: 'test-model-1',
      decidedAt: Date.now(),
      features: [],
    };
    decisions.append(decision, { ...bad, customerId: 'c-\ud800', createdAt: Date.now() });
    await score(after);
    await decisions.flush();

    const { rows } = await pool.query(
      `select transaction_id from ${schema}.decisions where transaction_id = any($1::text[])`,
      [[before, bad, after].map((o) => o.transactionId)],
    );
    expect(rows.map((r) => r.transaction_id).sort()).toEqual(
      [before.transactionId, after.transactionId].sort(),
    );
    await waitFor('the stored decisions published', () =>
      [before, after].every((o) => published.some((p) => p.transactionId === o.transactionId)),
    );
  });

  it('stores feedback in PostgreSQL for the next training', async () => {
    const scored = order();
    await score(scored);
    await decisions.flush();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/fraud/feedback',
      payload: { transactionId: scored.transactionId, label: 'fraud' },
    });
    expect(res.json()).toMatchObject({ label: 'fraud', decisionKnown: true });
    const { rows } = await pool.query(
      `select label from ${schema}.feedback where transaction_id = $1`,
      [scored.transactionId],
    );
    expect(rows).toEqual([{ label: 'fraud' }]);
  });

  it('adds sale events, each once, to the history behind the amount z-score', async () => {
    const customer = `buyer-${id}`;
    const lines = [0, 1].map((line) =>
      create(SaleLineSchema, {
        eventId: `sale-${id}-${line}`,
        orderId: `order-${id}`,
        line,
        sku: `sku-${line}`,
        quantity: 2,
        unitPrice: 10,
        currency: 'GBP',
        customerId: customer,
        occurredAt: timestampFromDate(new Date('2026-03-01T09:00:00Z')),
        kind: SaleKind.SALE,
      }),
    );
    // The first line comes twice in a row, so most likely within one batch.
    await bus.publisher.publish(
      bus.topic('sales'),
      [lines[0], lines[0], lines[1]].map((l) => ({
        key: customer,
        value: encode(SaleLineSchema, l),
      })),
    );
    const key = `${redisPrefix}fraud:h:${customer}`;
    await waitFor('the sale in the history', async () => (await redis.hget(key, 'sum')) === '40');
    expect(await redis.hget(key, 'n')).toBe('1');
  });

  it('counts each order once when its batch is tried again after Redis failed midway', async () => {
    const memory = new MemoryVelocityStore();
    let calls = 0;
    const flaky = {
      observe: async (o: Observation, mode: RecordMode) => {
        calls += 1;
        if (calls === 2) throw new Error('Connection is closed.');
        return memory.observe(o, mode);
      },
    };
    const consumer = salesConsumer({ pool, velocity: flaky, topic: 'sales', log, schema });
    const customers = [`first-${id}`, `second-${id}`];
    const events = customers.map((customerId, n) => ({
      topic: 'sales',
      partition: 0,
      offset: String(n),
      key: customerId,
      headers: {},
      value: create(SaleLineSchema, {
        eventId: `midway-${id}-${n}`,
        orderId: `midway-order-${id}-${n}`,
        sku: 'sku-1',
        quantity: 2,
        unitPrice: 10,
        currency: 'GBP',
        customerId,
        occurredAt: timestampFromDate(new Date('2026-03-01T09:00:00Z')),
        kind: SaleKind.SALE,
      }),
    }));

    await expect(consumer.handle(events)).rejects.toThrow('Connection is closed.');
    await consumer.handle(events);

    for (const customerId of customers) {
      const probe = { transactionId: 'probe', customerId, amount: 1, at: 0, entities: {} };
      expect(memory.observeNow(probe, 'read').history).toMatchObject({ count: 1, sum: 20 });
    }
  });

  it('dead-letters a sale line priced 1e300 and goes on counting the lines after it', async () => {
    const customer = `big-spender-${id}`;
    const line = (n: number, unitPrice: number) =>
      create(SaleLineSchema, {
        eventId: `absurd-${id}-${n}`,
        orderId: `absurd-order-${id}-${n}`,
        line: 0,
        sku: 'sku-1',
        quantity: 1,
        unitPrice,
        currency: 'GBP',
        customerId: customer,
        occurredAt: timestampFromDate(new Date('2026-03-01T09:00:00Z')),
        kind: SaleKind.SALE,
      });
    const lines = [line(0, 1e300), line(1, 12.5)];
    await bus.publisher.publish(
      bus.topic('sales'),
      lines.map((l) => ({ key: customer, value: encode(SaleLineSchema, l) })),
    );
    const key = `${redisPrefix}fraud:h:${customer}`;
    await waitFor(
      'the later sale in the history',
      async () => (await redis.hget(key, 'n')) === '1',
    );
    expect(await redis.hget(key, 'sum')).toBe('12.5');
    await waitFor('the absurd line dead-lettered', () => deadSales.includes(`absurd-${id}-0`));
  });
});
