import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import {
  SaleKind,
  SaleLineSchema,
  SupportHandoffSchema,
  create,
  decode,
  encode,
  timestampFromDate,
  type SupportHandoff,
} from '@qm/contracts';
import { readOnlineRetail, resolveDataDir, type RetailLine } from '@qm/datasets';
import { createEventBus, type ConsumerHandle, type EventBus } from '@qm/events';
import { getOrder, migrateFacts, startFactsWriter, type FactsWriter } from '@qm/facts';
import { Redis, migrate, type ServiceApp } from '@qm/kit';
import { redisConversationStore } from '../src/adapters/conversations';
import { kafkaHandoffSink, pgHandoffLog, recordThenPublish } from '../src/adapters/handoffs';
import { factsOrderLookup } from '../src/adapters/orders';
import { buildApp } from '../src/app';
import { loadOrTrainSupportModel, modelPath } from '../src/nlu/support-model';
import { createTestDatabase, waitFor, type TestDatabase } from '@qm/tests';
import { TEST_SETTINGS } from './fakes';

// Without a stored model the first run trains one, which takes minutes on a busy machine.
jest.setTimeout(420_000);

const log = pino({ level: 'warn' });
const INVOICE = '536365';

/** The lines of one real Online Retail invoice (the first one in the file). */
async function invoiceLines(invoice: string): Promise<RetailLine[]> {
  const lines: RetailLine[] = [];
  for await (const line of readOnlineRetail(resolveDataDir())) {
    if ('problem' in line) continue;
    if (line.invoiceNo === invoice) lines.push(line);
    else if (lines.length > 0) break;
  }
  return lines;
}

describe('customer service with the facts writer, Redis and Kafka', () => {
  const prefix = `test-support-${randomBytes(4).toString('hex')}.`;
  const redisPrefix = `qm-test:${prefix}`;
  let db: TestDatabase;
  let bus: EventBus;
  let redis: Redis;
  let writer: FactsWriter | undefined;
  let handoffConsumer: ConsumerHandle | undefined;
  let app: ServiceApp;
  let expected: { day: string; total: number };
  const handoffs: SupportHandoff[] = [];
  let topics: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('support');
    await migrateFacts(db.url, log);
    await migrate({
      databaseUrl: db.url,
      schema: 'support',
      dir: join(__dirname, '..', 'migrations'),
      log,
    });
    redis = new Redis('redis://127.0.0.1:6379');
    bus = createEventBus({
      brokers: ['127.0.0.1:9092'],
      clientId: 'support-test',
      log,
      topicPrefix: prefix,
    });
    topics = await bus.ensureTopics();

    const lines = await invoiceLines(INVOICE);
    const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
    expected = { day: lines[0].day, total: Math.round(total * 100) / 100 };
    await bus.publisher.publish(
      bus.topic('sales'),
      lines.map((l, i) => ({
        key: l.stockCode,
        value: encode(
          SaleLineSchema,
          create(SaleLineSchema, {
            eventId: `support-test:${l.row}`,
            orderId: l.invoiceNo,
            line: i,
            sku: l.stockCode,
            quantity: l.quantity,
            unitPrice: l.unitPrice,
            currency: 'GBP',
            customerId: l.customerId,
            country: l.country,
            occurredAt: timestampFromDate(l.invoiceDate),
            kind: SaleKind.SALE,
            description: l.description,
            source: 'online-retail',
          }),
        ),
      })),
    );
    writer = await startFactsWriter({ bus, pool: db.pool, log, topicPrefix: prefix });
    handoffConsumer = await bus.runConsumer({
      groupId: `${prefix}support-test.handoffs`,
      topic: bus.topic('supportHandoffs'),
      decode: (bytes: Buffer) => decode(SupportHandoffSchema, bytes),
      handle: async (events) => {
        handoffs.push(...events.map((e) => e.value));
      },
    });

    const classifier = await loadOrTrainSupportModel(
      modelPath('.qm/models/support/intent.json'),
      resolveDataDir(),
      log,
    );
    app = await buildApp({
      log,
      classifier,
      orders: factsOrderLookup(db.pool),
      conversations: redisConversationStore(redis, redisPrefix, 60, {
        waitMs: 5000,
        leaseMs: 5000,
      }),
      handoffs: recordThenPublish(pgHandoffLog(db.pool), kafkaHandoffSink(bus.publisher, prefix)),
      transcriber: { transcribe: async () => ({ text: '', confidence: 0 }) },
      ...TEST_SETTINGS,
    });
    // Lines are keyed by SKU, so they arrive on several partitions: wait for all of them.
    await waitFor(
      'every line of the invoice in the facts',
      async () => {
        const order = await getOrder(db.pool, INVOICE);
        return order !== undefined && order.lines.length === lines.length ? order : undefined;
      },
      60_000,
    );
  });

  afterAll(async () => {
    await app?.close();
    await handoffConsumer?.stop();
    await writer?.stop();
    if (topics.length > 0) await (await bus.admin()).deleteTopics({ topics });
    await bus?.close();
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
  });

  const send = (body: object) =>
    app.inject({ method: 'POST', url: '/v1/support/messages', payload: body });
  const post = async (body: object) => (await send(body)).json();

  it('answers a track-order question with the date and total of that real invoice', async () => {
    const answer = await post({ text: `hi, where is my order ${INVOICE}? it has not arrived` });
    expect(answer.intent).toBe('track_order');
    expect(answer.reply).toContain(expected.day);
    expect(answer.reply).toContain(expected.total.toFixed(2));
  });

  it('asks for the order number and takes it from the second message', async () => {
    const first = await post({ text: 'can you tell me where my package is' });
    expect(first.intent).toBe('track_order');
    const second = await post({ conversationId: first.conversationId, text: INVOICE });
    expect(second.intent).toBe('track_order');
    expect(second.reply).toContain(expected.total.toFixed(2));
  });

  it('publishes the conversation to the desk when the shopper asks for a person', async () => {
    const answer = await post({ customerId: '17850', text: 'I want to talk to a human agent' });
    expect(answer).toMatchObject({ escalate: true, handoffReason: 'asked for a person' });

    const published = await waitFor(
      'the hand-off on Kafka',
      async () => handoffs.find((h) => h.conversationId === answer.conversationId),
      60_000,
    );
    expect(published).toMatchObject({ customerId: '17850', reason: 'asked for a person' });
    const { rows } = await db.pool.query('SELECT reason FROM support.handoffs');
    expect(rows).toContainEqual({ reason: 'asked for a person' });
  });

  it("refuses another customer's message in a conversation kept in Redis", async () => {
    const first = await post({ customerId: '17850', text: `where is my order ${INVOICE}` });
    const res = await send({
      text: 'asdf',
      customerId: '99999',
      conversationId: first.conversationId,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ field: 'conversationId' });
  });

  it('publishes one hand-off for 50 parallel messages asking for a person', async () => {
    const conversationId = `parallel-${randomBytes(4).toString('hex')}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        post({ conversationId, customerId: '17850', text: 'I want to talk to a human agent' }),
      ),
    );
    expect(answers.every((a) => a.escalate === true)).toBe(true);

    const later = await post({ conversationId, customerId: '17850', text: 'thank you' });
    expect(later.escalate).toBe(true);
    const { rows } = await db.pool.query(
      'SELECT count(*)::int AS n FROM support.handoffs WHERE conversation_id = $1',
      [conversationId],
    );
    expect(rows[0].n).toBe(1);
  });
});
