import {
  ClickEventSchema,
  ClickType,
  SaleKind,
  SaleLineSchema,
  decode,
  timestampDate,
} from '@qm/contracts';
import type { FastifyInstance } from 'fastify';
import type { OutgoingMessage, Publisher } from '@qm/events';
import type { Rejection } from '../src/domain/events';
import { buildTestGateway, MASTER } from './support/gateway';

interface Published {
  topic: string;
  messages: OutgoingMessage[];
  requestId?: string;
}

/** A publisher that keeps what it is given, or fails when told to. */
function fakePublisher() {
  const published: Published[] = [];
  let failing = false;
  const publisher: Publisher = {
    async publish(topic, messages, options) {
      if (failing) throw new Error('broker down');
      published.push({ topic, messages, requestId: options?.requestId });
    },
  };
  return { publisher, published, fail: () => (failing = true) };
}

const view = {
  eventId: 'e-1',
  type: 'view',
  userId: 'u-7',
  itemId: 'SKU-1',
  timestamp: '2026-12-01T10:00:00Z',
  price: 12.5,
  currency: 'EUR',
};

describe('POST /v1/events', () => {
  let app: FastifyInstance;
  let fake: ReturnType<typeof fakePublisher>;

  beforeEach(async () => {
    fake = fakePublisher();
    const ingestion = { publisher: fake.publisher, topicPrefix: 'p1.' };
    ({ app } = await buildTestGateway({}, { ingestion }));
  });

  afterEach(async () => {
    await app.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: payload as object,
      headers: { 'x-api-key': MASTER, ...headers },
    });

  it('keeps session ids short enough to be a visitor id downstream', async () => {
    const view = {
      eventId: 's-long',
      type: 'view',
      itemId: 'SKU-1',
      timestamp: new Date().toISOString(),
    };
    const long = await post({ events: [{ ...view, sessionId: 's'.repeat(121) }] });
    expect(long.json()).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, field: 'sessionId' }],
    });
    const fits = await post({ events: [{ ...view, sessionId: 's'.repeat(120) }] });
    expect(fits.json()).toMatchObject({ accepted: 1 });
  });

  it('refuses a body nested deeper than the kit allows, before looking at its events', async () => {
    const deep = `{"events": [{"eventId": "d", "x": ${'['.repeat(40)}1${']'.repeat(40)}}]}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: deep,
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('accepts the valid items and lists each rejected one with its index and field', async () => {
    const res = await post(
      {
        events: [
          view,
          { ...view, eventId: 'e-2', timestamp: 'yesterday' },
          { ...view, eventId: 'e-3', userId: undefined, sessionId: 's-9', type: 'add_to_cart' },
          { ...view, eventId: 'e-4', type: 'teleport' },
          'not an event',
        ],
      },
      { 'x-request-id': 'req-42' },
    );

    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: [
        { index: 1, field: 'timestamp', message: expect.stringMatching(/ISO 8601/) },
        { index: 3, field: 'type', message: expect.stringMatching(/^type must be one of/) },
        { index: 4, field: 'event', message: 'the event must be an object' },
      ],
    });
    expect(fake.published).toHaveLength(1);
    const [batch] = fake.published;
    expect(batch.topic).toBe('p1.qm.clickstream.v1');
    expect(batch.requestId).toBe('req-42');
    expect(batch.messages.map((m) => m.key)).toEqual(['u-7', 's-9']);

    const first = decode(ClickEventSchema, batch.messages[0].value as Buffer);
    expect(first).toMatchObject({
      eventId: 'e-1',
      type: ClickType.VIEW,
      itemId: 'SKU-1',
      price: 12.5,
    });
    expect(timestampDate(first.occurredAt!).toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it.each([
    ['query', 'lamp\u0000shade'],
    ['category', 'lamps\u001b[31m'],
    ['query', 'lone \ud800 surrogate'],
  ])('rejects %s text with a control character or a lone surrogate', async (field, text) => {
    const res = await post({ events: [view, { ...view, eventId: 'e-2', [field]: text }] });

    expect(res.json()).toEqual({
      accepted: 1,
      rejected: [{ index: 1, field, message: expect.stringMatching(new RegExp(`^${field} `)) }],
    });
  });

  it("rejects an event dated in the future, which would move every model's clock", async () => {
    const res = await post({ events: [{ ...view, timestamp: '9999-12-31T23:59:59Z' }] });

    expect(res.json()).toEqual({
      accepted: 0,
      rejected: [{ index: 0, field: 'timestamp', message: 'timestamp must not be in the future' }],
    });
  });

  it('publishes a return as a sale line keyed by SKU with a negative quantity', async () => {
    const res = await post({
      events: [
        {
          eventId: 'r-1',
          type: 'return',
          orderId: 'O-1',
          userId: '17850',
          itemId: '85123A',
          quantity: 2,
          price: 2.55,
          currency: 'GBP',
          timestamp: '2026-12-01T10:00:00+01:00',
        },
      ],
    });

    expect(res.statusCode).toBe(202);
    const [batch] = fake.published;
    expect(batch.topic).toBe('p1.qm.sales.v1');
    expect(batch.messages[0].key).toBe('85123A');
    expect(decode(SaleLineSchema, batch.messages[0].value as Buffer)).toMatchObject({
      eventId: 'r-1',
      orderId: 'O-1',
      sku: '85123A',
      quantity: -2,
      unitPrice: 2.55,
      customerId: '17850',
      kind: SaleKind.RETURN,
    });
  });

  it('rejects a sale line without an order id or a price, naming the field', async () => {
    const sale = {
      eventId: 's',
      type: 'sale',
      itemId: 'X',
      quantity: 1,
      timestamp: view.timestamp,
    };

    const res = await post({
      events: [
        { ...sale, price: 1 },
        { ...sale, orderId: 'O' },
      ],
    });

    expect(res.json().rejected).toEqual([
      { index: 0, field: 'orderId', message: 'orderId is required' },
      { index: 1, field: 'price', message: 'price is required' },
    ]);
  });

  it.each(['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty'])(
    'rejects the type %s, a name objects inherit, and keeps the rest of the batch',
    async (type) => {
      const res = await post({ events: [view, { ...view, eventId: 'e-2', type }] });

      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({
        accepted: 1,
        rejected: [{ index: 1, field: 'type', message: expect.stringMatching(/^type must be/) }],
      });
      expect(fake.published[0].messages).toHaveLength(1);
    },
  );

  const sale = {
    eventId: 's-1',
    type: 'sale',
    orderId: 'O-1',
    userId: '17850',
    itemId: '85123A',
    quantity: 6,
    price: 2.55,
    currency: 'GBP',
    timestamp: '2026-12-01T10:00:00Z',
  };

  /** Posts a valid event and a copy changed by `change`; answers the copy's rejected fields. */
  const rejections = async (base: object, change: Record<string, unknown>) => {
    const res = await post({ events: [base, { ...base, eventId: 'other', ...change }] });
    expect(res.statusCode).toBe(202);
    const { accepted, rejected } = res.json<{ accepted: number; rejected: Rejection[] }>();
    expect(rejected.every((r) => r.index === 1)).toBe(true);
    expect(accepted + rejected.length).toBe(2);
    return rejected.map((r) => r.field);
  };

  it.each([
    ['without a currency', { currency: undefined }],
    ['with a lower-case currency', { currency: 'gbp' }],
  ])('rejects a sale line %s, which the facts writer would dead-letter', async (_what, change) => {
    expect(await rejections(sale, change)).toEqual(['currency']);
  });

  it.each([
    ['eventId', 'e\u0001'],
    ['eventId', 'e'.repeat(129)],
    ['userId', 'user 7'],
    ['userId', 'u/7'],
    ['sessionId', 'sess\u0000'],
    ['itemId', 'caf\u00e9'],
    ['itemId', 'S'.repeat(65)],
  ])('rejects a click whose %s the services could not look up (%j)', async (field, value) => {
    expect(await rejections(view, { [field]: value })).toEqual([field]);
  });

  it.each([
    ['orderId', 'O\n1'],
    ['orderId', 'O'.repeat(129)],
    ['itemId', '85123A?'],
    ['warehouse', 'main\u0000'],
    ['userId', '<script>'],
  ])('rejects a sale line whose %s the services could not look up (%j)', async (field, value) => {
    expect(await rejections(sale, { [field]: value })).toEqual([field]);
  });

  it('rejects an event with a field no event takes, naming it instead of dropping it', async () => {
    expect(await rejections(view, { categroy: 'lamps' })).toEqual(['categroy']);
    expect(await rejections(sale, { quantiy: 6, quantity: 6 })).toEqual(['quantiy']);
    expect(await rejections(sale, { sessionId: 's-1', category: 'lamps' })).toEqual([]);
  });

  it('accepts ids made of letters, digits, dots, colons, dashes and underscores', async () => {
    const ids = { userId: 'u.7:a_b-C', itemId: 'S'.repeat(64), eventId: 'e'.repeat(128) };

    expect(await rejections(view, ids)).toEqual([]);
  });

  it.each([
    '2011-02-30T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2026-11-31T10:00:00Z',
    '2026-13-01T10:00:00Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T10:60:00Z',
    '2026-12-01T10:00:60Z',
    '2026-12-01T10:00:00+24:00',
    '1969-12-31T23:59:59Z',
    '0000-01-01T00:00:00Z',
  ])('rejects the timestamp %s, which is no real instant from 1970 on', async (timestamp) => {
    expect(await rejections(sale, { timestamp })).toEqual(['timestamp']);
  });

  it('accepts a leap day, the first instant of 1970 and a clock up to a day ahead', async () => {
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const res = await post({
      events: [
        { ...sale, timestamp: '2024-02-29T23:59:59.999+01:00' },
        { ...sale, eventId: 's-2', timestamp: '1970-01-01T00:00:00Z' },
        { ...sale, eventId: 's-3', timestamp: soon },
      ],
    });

    expect(res.json()).toEqual({ accepted: 3, rejected: [] });
  });

  it.each([
    ['a quantity over the int32 range', { quantity: 2147483647 }],
    ['a quantity over a million', { quantity: 1_000_001 }],
    ['a quantity under minus a million', { quantity: -1_000_001 }],
    ['a fractional quantity', { quantity: 1.5 }],
    ['a price over ten million', { price: 10_000_001 }],
    ['a negative price', { price: -0.01 }],
    ['a price as text', { price: '2.55' }],
  ])('rejects a sale line with %s', async (_what, change) => {
    const [field] = Object.keys(change);

    expect(await rejections(sale, change)).toEqual([field]);
  });

  it('rejects a click whose quantity or price is out of range', async () => {
    expect(await rejections(view, { quantity: 2147483647 })).toEqual(['quantity']);
    expect(await rejections(view, { price: 1e8 })).toEqual(['price']);
  });

  it('rejects a price that JSON reads as Infinity', async () => {
    const body = JSON.stringify({ events: [sale] }).replace('2.55', '1e400');

    const res = await post(body, { 'content-type': 'application/json' });

    expect(res.json()).toMatchObject({ accepted: 0, rejected: [{ field: 'price' }] });
  });

  it('accepts a quantity of a million, a price of ten million and a line worth that', async () => {
    expect(await rejections(sale, { quantity: 1_000_000, price: 10 })).toEqual([]);
    expect(await rejections(sale, { quantity: 1, price: 10_000_000 })).toEqual([]);
  });

  it('rejects a sale line worth over ten million, naming price, as consumers would', async () => {
    expect(await rejections(sale, { quantity: 1_000_000, price: 10.01 })).toEqual(['price']);
  });

  it('requires a user or a session, and a query for a search', async () => {
    const res = await post({
      events: [
        { ...view, userId: undefined },
        { ...view, type: 'search', itemId: undefined },
        { ...view, type: 'search', itemId: undefined, query: 'red mug' },
      ],
    });

    expect(res.json()).toEqual({
      accepted: 1,
      rejected: [
        { index: 0, field: 'userId', message: 'userId or sessionId is required' },
        { index: 1, field: 'query', message: 'query is required' },
      ],
    });
  });

  it.each([
    ['without an events array', { items: [] }],
    ['whose events is not an array', { events: 'many' }],
    ['that is an array', [view]],
  ])('answers 400 naming events for a body %s', async (_what, body) => {
    const res = await post(body);

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'events' });
    expect(fake.published).toHaveLength(0);
  });

  it('refuses a batch with a field beside events, naming it, and publishes nothing', async () => {
    const res = await post({ events: [view], x: 1 });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'x' });
    expect(fake.published).toHaveLength(0);
  });

  it('refuses a batch of more than 500 events as a whole', async () => {
    const events = Array.from({ length: 501 }, (_, i) => ({ ...view, eventId: `e-${i}` }));

    const res = await post({ events });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BATCH_TOO_LARGE', field: 'events' });
    expect(fake.published).toHaveLength(0);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const padding = 'x'.repeat(1_100_000);

    const res = await post({ events: [{ ...view, category: padding }] });

    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 503 when the events cannot be published', async () => {
    fake.fail();

    const res = await post({ events: [view] });

    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
