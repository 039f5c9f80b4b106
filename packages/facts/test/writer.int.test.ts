import { randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  SaleKind,
  SaleLineSchema,
  create,
  deadLetterTopic,
  encode,
  timestampFromDate,
  saleLineProblem,
} from '@qm/contracts';
import { readOnlineRetail, resolveDataDir } from '@qm/datasets';
import { createEventBus, Headers, type EventBus } from '@qm/events';
import { replay, saleLineFromRetail } from '@qm/replay';
import {
  factsGroupId,
  consumerLag,
  countFacts,
  getOrder,
  migrateFacts,
  startFactsWriter,
  topicSize,
  type FactsWriter,
} from '../src';
import { createTestDatabase, waitFor, type TestDatabase } from '@qm/tests';

const log = pino({ level: 'warn' });
const SLICE = 2000;

/** A yes-or-no check in the shape `waitFor` polls: undefined until it holds. */
const until = (check: () => Promise<boolean>) => async () => ((await check()) ? true : undefined);

/** The first rows of Online Retail and how many of them the writer must accept. */
async function expectedSlice(): Promise<{ valid: number; invalid: number }> {
  let valid = 0;
  let invalid = 0;
  const positions = new Map<string, number>();
  for await (const line of readOnlineRetail(resolveDataDir())) {
    if (line.row >= SLICE) break;
    if ('problem' in line) throw new Error(`row ${line.row} unreadable: ${line.problem}`);
    const position = positions.get(line.invoiceNo) ?? 0;
    positions.set(line.invoiceNo, position + 1);
    if (saleLineProblem(saleLineFromRetail(line, position)) === undefined) valid++;
    else invalid++;
  }
  return { valid, invalid };
}

describe('facts writer on Kafka', () => {
  const prefix = `test-facts-${randomBytes(4).toString('hex')}.`;
  let db: TestDatabase;
  let bus: EventBus;
  let writer: FactsWriter | undefined;

  const caughtUp = async () => {
    const admin = await bus.admin();
    const lags = await Promise.all([
      consumerLag(admin, factsGroupId('sales', prefix), bus.topic('sales')),
      consumerLag(admin, factsGroupId('products', prefix), bus.topic('products')),
    ]);
    return lags.every((lag) => lag === 0);
  };
  const deadLettered = async () =>
    topicSize(await bus.admin(), deadLetterTopic(bus.topic('sales')));
  const replaySlice = () =>
    replay({
      publisher: bus.publisher,
      topicPrefix: prefix,
      dataDir: resolveDataDir(),
      sets: ['online-retail'],
      limit: SLICE,
    });

  beforeAll(async () => {
    db = await createTestDatabase('facts');
    await migrateFacts(db.url, log);
    bus = createEventBus({
      brokers: ['127.0.0.1:9092'],
      clientId: 'facts-test',
      log,
      topicPrefix: prefix,
      consumer: { maxWaitTimeInMs: 100 },
    });
    await bus.ensureTopics();
    writer = await startFactsWriter({ bus, pool: db.pool, log, topicPrefix: prefix });
  }, 60_000);

  afterAll(async () => {
    await writer?.stop();
    const admin = await bus.admin();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics });
    await bus.close();
    await db.drop();
  }, 60_000);

  it('stores every line of a replayed slice except the dead-lettered ones', async () => {
    const expected = await expectedSlice();
    const summary = await replaySlice();
    expect(summary.rejected).toBe(0);

    await waitFor('the facts groups to catch up', until(caughtUp), 60_000);
    const counts = await countFacts(db.pool);
    expect(counts.saleLines).toBe(SLICE - (await deadLettered()));
    expect(counts.saleLines).toBe(expected.valid);
    expect(counts.products).toBe(summary.sets[0].byTopic.products);
    expect(await getOrder(db.pool, '536365')).toMatchObject({
      customerId: '17850',
      status: 'placed',
      total: 139.12,
    });
  }, 90_000);

  it('stores a slice replayed a second time only once', async () => {
    const before = await countFacts(db.pool);
    const order = await getOrder(db.pool, '536365');

    await replaySlice();
    await waitFor('the facts groups to catch up', until(caughtUp), 60_000);

    expect(await countFacts(db.pool)).toEqual(before);
    expect(await getOrder(db.pool, '536365')).toEqual(order);
  }, 90_000);

  it('stores the click events of a replayed clickstream slice once each', async () => {
    const before = (await countFacts(db.pool)).clickEvents;
    const summary = await replay({
      publisher: bus.publisher,
      topicPrefix: prefix,
      dataDir: resolveDataDir(),
      sets: ['taobao', 'yoochoose'],
      limit: 300,
    });
    const clickLag = async () =>
      consumerLag(await bus.admin(), factsGroupId('clickstream', prefix), bus.topic('clickstream'));

    await waitFor(
      'the clickstream group to catch up',
      until(async () => (await clickLag()) === 0),
      60_000,
    );
    expect(summary.produced).toBe(600);
    expect((await countFacts(db.pool)).clickEvents - before).toBe(600);
    const { rows } = await db.pool.query(
      `SELECT type, user_id, item_id FROM clickstream.events WHERE event_id = 'taobao:0'`,
    );
    expect(rows).toEqual([{ type: 'view', user_id: 'taobao:543462', item_id: 'taobao:1715' }]);
  }, 90_000);

  it('dead-letters a poison line with its reason and stores the good ones around it', async () => {
    const reasons: string[] = [];
    const watcher = await bus.runConsumer({
      groupId: `${prefix}dlq-watch`,
      topic: deadLetterTopic(bus.topic('sales')),
      decode: (bytes) => bytes,
      handle: async (events) => {
        for (const e of events) reasons.push(e.headers[Headers.dlqReason]);
      },
    });
    try {
      const line = (eventId: string, sku: string) =>
        encode(
          SaleLineSchema,
          create(SaleLineSchema, {
            eventId,
            orderId: 'POISON',
            sku,
            quantity: 1,
            unitPrice: 3,
            currency: 'GBP',
            occurredAt: timestampFromDate(new Date('2011-01-01T10:00:00Z')),
            kind: SaleKind.SALE,
          }),
        );
      await bus.publisher.publish(bus.topic('sales'), [
        { key: 'A', value: line('poison:0', 'A') },
        { key: 'A', value: line('poison:1', '') },
        { key: 'A', value: Buffer.from([0x0a, 0xff, 0x01]) },
        { key: 'A', value: line('poison:3', 'A') },
      ]);

      await waitFor('the facts groups to catch up', until(caughtUp), 60_000);
      await waitFor(
        'two dead letters',
        until(async () => reasons.length >= 2),
        30_000,
      );
      expect(reasons).toContain('invalid: empty sku');
      expect(reasons.some((r) => r.startsWith('decode failed'))).toBe(true);
      expect((await getOrder(db.pool, 'POISON'))?.lines.map((l) => l.eventId)).toEqual([
        'poison:0',
        'poison:3',
      ]);
    } finally {
      await watcher.stop();
    }
  }, 90_000);
});
