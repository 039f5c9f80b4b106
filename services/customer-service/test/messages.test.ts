import type { ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import {
  keywordClassifier,
  memoryConversations,
  memoryOrders,
  recordingHandoffs,
  silentLog,
  TEST_SETTINGS,
} from './fakes';

const order = {
  orderId: '536365',
  customerId: '17850',
  country: 'United Kingdom',
  orderedAt: '2010-12-01T08:26:00.000Z',
  status: 'placed',
  total: 139.12,
  currency: 'GBP',
  lines: [
    {
      eventId: 'e1',
      line: 1,
      sku: '85123A',
      description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      unitPrice: 2.55,
      currency: 'GBP',
      kind: 'sale',
      occurredAt: '2010-12-01T08:26:00.000Z',
    },
  ],
};

describe('POST /v1/support/messages', () => {
  let app: ServiceApp;
  let conversations: ReturnType<typeof memoryConversations>;
  let handoffs: ReturnType<typeof recordingHandoffs>;

  beforeEach(async () => {
    conversations = memoryConversations();
    handoffs = recordingHandoffs();
    app = await buildApp({
      log: silentLog,
      classifier: keywordClassifier([
        [/where|track/i, 'track_order'],
        [/human|person|agent/i, 'contact_human_agent'],
        [/refund/i, 'get_refund'],
      ]),
      orders: memoryOrders([order]),
      conversations,
      handoffs,
      transcriber: { transcribe: async () => ({ text: '', confidence: 0 }) },
      ...TEST_SETTINGS,
    });
  });

  afterEach(async () => {
    await app.close();
  });

  const post = (body: unknown) =>
    app.inject({ method: 'POST', url: '/v1/support/messages', payload: body as object });

  it('rejects an empty text with a 400 naming the text field', async () => {
    const res = await post({ text: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'text' });
  });

  it('rejects a text of blanks and control characters with a 400 naming text', async () => {
    const res = await post({ text: '  \t \u0000 ' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'TEXT_REQUIRED', field: 'text' });
  });

  it('rejects a body without text', async () => {
    const res = await post({ customerId: '17850' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('text');
  });

  it('rejects an empty customerId with a 400 naming the field, revealing no order', async () => {
    const res = await post({ text: 'where is my order 536365', customerId: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'customerId' });
    expect(res.body).not.toContain('139.12');
  });

  it('rejects a customerId with spaces or control characters', async () => {
    const res = await post({ text: 'where is my order 536365', customerId: '17850 or 1' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('customerId');
  });

  it.each([
    ['conversationId', { conversationId: 'a\u0000b' }],
    ['conversationId', { conversationId: 'a\tb' }],
    ['conversationId', { conversationId: '   ' }],
    ['conversationId', { conversationId: 'lone \ud800' }],
    ['customerId', { customerId: '17850\u0000' }],
  ])(
    'refuses a %s holding a control character or only blanks, not dropping them',
    async (field, ids) => {
      const res = await post({ text: 'where is my order 536365', ...ids });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
      expect(conversations.states.size).toBe(0);
    },
  );

  it('answers emoji-only text with a fallback and a non-empty reply', async () => {
    const res = await post({ text: '😡😡🙈' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ intent: 'fallback', escalate: false });
    expect(res.json().reply.length).toBeGreaterThan(0);
  });

  it('hands a Spanish question to a person instead of guessing', async () => {
    const res = await post({ text: '¿Dónde está mi pedido? Lo compré la semana pasada.' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      intent: 'fallback',
      escalate: true,
      handoffReason: 'not in English',
    });
    expect(res.json().reply.length).toBeGreaterThan(0);
    expect(handoffs.sent).toHaveLength(1);
  });

  it('strips a NUL character before the message is stored', async () => {
    const res = await post({ conversationId: 'nul', text: 'where is my\u0000 order 536365' });
    expect(res.statusCode).toBe(200);
    const stored = conversations.states.get('nul');
    expect(stored?.turns[0].text).toBe('where is my order 536365');
    expect(JSON.stringify(stored)).not.toContain('\u0000');
  });

  it('answers a track-order question with the order date, lines and total', async () => {
    const res = await post({ text: 'where is my order 536365?' });
    const body = res.json();
    expect(body.intent).toBe('track_order');
    expect(body.entities).toContainEqual({
      type: 'order_number',
      value: '536365',
      start: 18,
      end: 24,
    });
    expect(body.reply).toContain('2010-12-01');
    expect(body.reply).toContain('139.12');
    expect(body.reply).toContain('WHITE HANGING HEART');
  });

  it("keeps another customer's order private: a known shopper is told no such order", async () => {
    const theirs = (await post({ customerId: '12346', text: 'where is my order 536365?' })).json();
    expect(theirs.intent).toBe('track_order');
    expect(theirs.reply).toMatch(/could not find an order numbered 536365/);
    expect(theirs.reply).not.toContain('139.12');

    const own = (await post({ customerId: '17850', text: 'where is my order 536365?' })).json();
    expect(own.reply).toContain('139.12');
  });

  it("answers 409 to a message naming another customer in a shopper's conversation", async () => {
    const first = (await post({ customerId: '17850', text: 'where is my order 536365?' })).json();
    const before = structuredClone(conversations.states.get(first.conversationId));

    const res = await post({
      text: 'asdf',
      customerId: '99999',
      conversationId: first.conversationId,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CONVERSATION_OF_ANOTHER_CUSTOMER',
      field: 'conversationId',
    });
    expect(conversations.states.get(first.conversationId)).toEqual(before);
    expect(handoffs.sent).toHaveLength(0);
  });

  it('lets a conversation started without a customer go on under the one named later', async () => {
    const first = (await post({ text: 'where is my parcel?' })).json();
    const res = await post({
      customerId: '17850',
      conversationId: first.conversationId,
      text: 'it is 536365',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reply).toContain('139.12');
    expect(conversations.states.get(first.conversationId)?.customerId).toBe('17850');
  });

  it('asks for the order number, then takes it from the next message', async () => {
    const first = (await post({ conversationId: 'two', text: 'where is my parcel?' })).json();
    expect(first.intent).toBe('track_order');
    expect(first.reply).toMatch(/order number/);

    const second = (await post({ conversationId: 'two', text: 'it is 536365' })).json();
    expect(second.intent).toBe('track_order');
    expect(second.reply).toContain('2010-12-01');
    expect(second.reply).toContain('139.12');
  });

  it('hands the conversation over when the shopper asks for a person', async () => {
    const res = await post({ customerId: '17850', text: 'let me talk to a human please' });
    expect(res.json()).toMatchObject({ escalate: true, handoffReason: 'asked for a person' });
    expect(handoffs.sent[0]).toMatchObject({ customerId: '17850', intent: 'contact_human_agent' });
  });

  it('publishes one hand-off per conversation, and later messages still say escalate', async () => {
    const first = (await post({ conversationId: 'once', text: 'let me talk to a human' })).json();
    const again = (await post({ conversationId: 'once', text: 'a person, please' })).json();
    const later = (await post({ conversationId: 'once', text: 'how do I get a refund' })).json();
    expect(first).toMatchObject({ escalate: true, handoffReason: 'asked for a person' });
    expect(again).toMatchObject({ escalate: true, handoffReason: 'asked for a person' });
    expect(later).toMatchObject({ escalate: true, handoffReason: 'asked for a person' });
    expect(handoffs.sent).toHaveLength(1);
  });

  it('publishes one hand-off for 50 parallel messages to one conversation', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post({ conversationId: 'rush', text: 'human please' })),
    );
    expect(answers.every((a) => a.json().escalate === true)).toBe(true);
    expect(handoffs.sent).toHaveLength(1);
  });

  it('hands off again on the next message when publishing the hand-off failed', async () => {
    let failures = 1;
    const flaky = handoffs.handOff.bind(handoffs);
    handoffs.handOff = async (h) => {
      if (failures-- > 0) throw new Error('broker down');
      await flaky(h);
    };
    const first = (await post({ conversationId: 'flaky', text: 'a human please' })).json();
    expect(first.escalate).toBe(true);
    expect(handoffs.sent).toHaveLength(0);

    await post({ conversationId: 'flaky', text: 'a human please' });
    expect(handoffs.sent).toHaveLength(1);
  });

  it('answers a conversation whose lock cannot be had, as when its state cannot', async () => {
    conversations.lock = async () => {
      throw new Error('redis down');
    };
    const res = await post({ conversationId: 'unlocked', text: 'where is my order 536365' });
    expect(res.statusCode).toBe(200);
    expect(res.json().intent).toBe('track_order');
    expect(conversations.states.get('unlocked')?.turns).toHaveLength(2);
  });

  it('hands over after two fallbacks in a row', async () => {
    const first = (await post({ conversationId: 'lost', text: 'blorp zing' })).json();
    expect(first.escalate).toBe(false);
    const second = (await post({ conversationId: 'lost', text: 'frobnicate' })).json();
    expect(second).toMatchObject({ escalate: true, handoffReason: 'not understood twice' });
  });

  it('hands over on strongly negative sentiment', async () => {
    const res = await post({ text: 'refund now, this is awful, terrible, horrible and a scam' });
    expect(res.json().sentiment.label).toBe('negative');
    expect(res.json()).toMatchObject({
      escalate: true,
      handoffReason: 'strongly negative sentiment',
    });
  });

  it('puts the refund policy from config into a refund answer', async () => {
    const res = await post({ text: 'how do I get a refund' });
    expect(res.json().reply).toContain('Refunds take 5 days.');
  });
});
