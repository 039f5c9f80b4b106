import {
  ClickEventSchema,
  ClickType,
  SaleKind,
  SaleLineSchema,
  decode,
  timestampDate,
} from '@qm/contracts';
import type { OutgoingMessage, Publisher } from '@qm/events';
import { createLogger, createServiceApp, type ServiceApp } from '@qm/kit';
import { eventRoutes } from '../src/routes/events';

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
  let app: ServiceApp;
  let fake: ReturnType<typeof fakePublisher>;

  beforeEach(async () => {
    fake = fakePublisher();
    app = await createServiceApp({ name: 'gateway-test', logger: createLogger('t', 'silent') });
    await app.register(eventRoutes, { publisher: fake.publisher, topicPrefix: 'p1.' });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/events', payload: payload as object, headers });

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

  it('stores text with a NUL without the NUL, which downstream stores cannot keep', async () => {
    const res = await post({ events: [{ ...view, query: 'lamp\u0000shade' }] });

    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
    const event = decode(ClickEventSchema, fake.published[0].messages[0].value as Buffer);
    expect(event.query).toBe('lampshade');
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
