import { createMetricsRegistry, type ServiceApp } from '@qm/kit';
import type { Pool } from 'pg';
import { DecisionLog } from '../src/adapters/decision-log';
import { buildApp } from '../src/app';
import { fakeDeps, type Fakes } from './fakes';

const order = (over: Record<string, unknown> = {}) => ({
  transactionId: 't-1',
  customerId: 'c-1',
  amount: 42.5,
  createdAt: '2026-03-02T10:00:00Z',
  accountCreatedAt: '2026-01-02T10:00:00Z',
  deviceId: 'dev-1',
  ipAddress: '10.0.0.1',
  channel: 'SEO',
  browser: 'Chrome',
  customerAge: 34,
  customerSex: 'F',
  ...over,
});

describe('fraud routes', () => {
  let app: ServiceApp;
  let fakes: Fakes;

  beforeEach(async () => {
    fakes = fakeDeps();
    app = await buildApp(fakes.deps);
  });

  afterEach(async () => {
    await app.close();
  });

  const score = (body: unknown) =>
    app.inject({ method: 'POST', url: '/v1/fraud/score', payload: body as object });

  it('answers a score in [0, 1], a decision, risk level, reasons and model version', async () => {
    const res = await score(order());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.transactionId).toBe('t-1');
    expect(body.score).toBeGreaterThanOrEqual(0);
    expect(body.score).toBeLessThanOrEqual(1);
    expect(['approve', 'review', 'decline']).toContain(body.decision);
    expect(['normal', 'elevated', 'highest']).toContain(body.riskLevel);
    expect(Array.isArray(body.reasons)).toBe(true);
    expect(body.modelVersion).toBe('test-model-1');
  });

  it.each([
    ['missing', { amount: undefined }],
    ['negative', { amount: -1 }],
    ['non-numeric', { amount: 'lots' }],
    ['absurdly large', { amount: 1e8 }],
    ['null', { amount: null }],
    ['empty string', { amount: '' }],
    ['boolean', { amount: true }],
  ])('rejects a %s amount with a 400 naming amount', async (_case, over) => {
    const res = await score(order(over));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('amount');
    expect(fakes.decisions).toHaveLength(0);
  });

  it.each([
    ['negative', -5],
    ['absurdly large', 1e308],
    ['non-numeric', 'forty'],
  ])('rejects a %s customerAge with a 400 naming it', async (_case, customerAge) => {
    const res = await score(order({ customerAge }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('customerAge');
    expect(fakes.decisions).toHaveLength(0);
  });

  it('scores an age outside 10 to 110 as unknown rather than refusing it', async () => {
    const res = await score(order({ customerAge: 120 }));
    expect(res.statusCode).toBe(200);
    expect(res.json().reasons).toContainEqual(
      expect.objectContaining({ code: 'UNKNOWN_CATEGORY' }),
    );
  });

  it('rejects a bad createdAt with a 400 naming it', async () => {
    const res = await score(order({ createdAt: 'yesterday' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('createdAt');
  });

  it.each([
    ['createdAt', '0000-01-01T00:00:00Z'],
    ['createdAt', '1969-12-31T23:59:59Z'],
    ['createdAt', '3000-01-01T00:00:00Z'],
    ['createdAt', new Date(Date.now() + 2 * 86_400_000).toISOString()],
    ['accountCreatedAt', '0000-01-01T00:00:00Z'],
  ])('rejects a %s of %s, outside 1970 to a day from now, naming it', async (field, at) => {
    const res = await score(order({ [field]: at }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(fakes.decisions).toHaveLength(0);
  });

  it('accepts an order placed a few hours ahead of the clock', async () => {
    const res = await score(order({ createdAt: new Date(Date.now() + 3_600_000).toISOString() }));
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['transactionId', 't\t1'],
    ['customerId', 'c\n1'],
    ['deviceId', 'dev\r1'],
  ])('rejects a control character in %s with a 400 naming it', async (field, value) => {
    const res = await score(order({ [field]: value }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
  });

  it('rejects a score request with a field it does not know', async () => {
    const res = await score(order({ a: 1 }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('a');
    expect(res.json().message).toContain('must NOT have additional properties');
    expect(fakes.decisions).toHaveLength(0);
  });

  it.each([
    ['PUT', '/v1/fraud/rules', { limits: {}, a: 1 }, 'a'],
    ['PUT', '/v1/fraud/rules', { lists: { devices: { block: [], allow: [] } } }, 'lists.devices'],
    ['PUT', '/v1/fraud/rules', { lists: { ip: { block: [], allow: [], a: 1 } } }, 'lists.ip.a'],
    ['PUT', '/v1/fraud/lists/ip', { block: [], allow: [], a: 1 }, 'a'],
    ['POST', '/v1/fraud/feedback', { transactionId: 't-1', label: 'fraud', a: 1 }, 'a'],
  ] as const)(
    'rejects %s %s with an unknown field, naming it',
    async (method, url, payload, field) => {
      const res = await app.inject({ method, url, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(field);
      expect(res.json().message).toContain('must NOT have additional properties');
    },
  );

  it('rejects an account opened after its own order, naming accountCreatedAt', async () => {
    const res = await score(order({ accountCreatedAt: '2030-01-01T00:00:00Z' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('accountCreatedAt');
  });

  it('scores unknown categories in the unknown bucket and says so in the reasons', async () => {
    const res = await score(order({ channel: 'kiosk', billingCountry: 'ZZ' }));
    expect(res.statusCode).toBe(200);
    const unknown = res.json().reasons.find((r: { code: string }) => r.code === 'UNKNOWN_CATEGORY');
    expect(unknown.detail).toContain("channel 'kiosk'");
    expect(unknown.detail).toContain("billingCountry 'ZZ'");
    expect(Number.isFinite(res.json().score)).toBe(true);
  });

  it('declines an order from a blocked device and names the rule in the reasons', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/fraud/lists/device',
      payload: { block: ['dev-bad'], allow: [] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().block).toEqual(['dev-bad']);

    const body = (await score(order({ deviceId: 'dev-bad' }))).json();
    expect(body.decision).toBe('decline');
    expect(body.riskLevel).toBe('highest');
    expect(body.reasons[0].code).toBe('BLOCKLIST_DEVICE');
    expect(body.reasons[0].detail).toContain('dev-bad');
  });

  it('declines an order beyond a hard limit set through PUT /v1/fraud/rules', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/fraud/rules',
      payload: { limits: { maxAmount: 1000 } },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().limits).toEqual({ maxAmount: 1000 });

    const body = (await score(order({ amount: 5000 }))).json();
    expect(body.decision).toBe('decline');
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('HARD_LIMIT');
  });

  it("scores a device's fifth order in a minute above its first, all else equal", async () => {
    const scores: number[] = [];
    for (let i = 0; i < 5; i++) {
      const at = new Date(Date.parse('2026-03-02T10:00:00Z') + i * 5000).toISOString();
      const res = await score(
        order({ transactionId: `v-${i}`, customerId: `c-${i}`, createdAt: at }),
      );
      scores.push(res.json().score);
    }
    expect(scores[4]).toBeGreaterThan(scores[0]);
    const fifth = fakes.decisions[4].decision;
    expect(fifth.reasons.map((r) => r.code)).toContain('DEVICE_VELOCITY');
  });

  it('scores higher, saying so, an order on a device someone else used a month ago', async () => {
    const first = await score(
      order({ transactionId: 'h-1', customerId: 'c-old', createdAt: '2026-02-01T10:00:00Z' }),
    );
    const later = await score(order({ transactionId: 'h-2', customerId: 'c-new' }));
    expect(later.json().score).toBeGreaterThan(first.json().score);
    const reason = later.json().reasons.find((r: { code: string }) => r.code === 'DEVICE_HISTORY');
    expect(reason.detail).toContain('first seen 29 days ago');
    expect(reason.detail).toContain('1 other customer,');
  });

  it('stores feedback for a scored transaction', async () => {
    await score(order({ transactionId: 't-fb' }));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/fraud/feedback',
      payload: { transactionId: 't-fb', label: 'fraud' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      transactionId: 't-fb',
      label: 'fraud',
      decisionKnown: true,
    });
    expect(fakes.feedback.get('t-fb')).toBe('fraud');
  });

  it('rejects feedback with a label other than fraud or legit', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/fraud/feedback',
      payload: { transactionId: 't-fb', label: 'maybe' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('label');
  });

  it('answers a retried transaction with the decision and features of the first call', async () => {
    await score(order({ transactionId: 'earlier', amount: 42.5 }));
    const first = await score(order());
    const again = await score(order());
    expect(again.json()).toEqual(first.json());
    const [, a, b] = fakes.decisions.map((d) => d.decision.features);
    expect(b).toEqual(a);
  });

  it('hands each scored order to the decision log once', async () => {
    await score(order({ transactionId: 't-once' }));
    expect(fakes.decisions.filter((d) => d.decision.transactionId === 't-once')).toHaveLength(1);
  });
});

describe('fraud routes when a store fails', () => {
  it('still scores, without velocity, and says the velocity store was unreachable', async () => {
    const fakes = fakeDeps();
    fakes.deps.desk.velocity = { observe: () => Promise.reject(new Error('connection lost')) };
    const app = await buildApp(fakes.deps);
    try {
      const res = await app.inject({ method: 'POST', url: '/v1/fraud/score', payload: order() });
      expect(res.statusCode).toBe(200);
      expect(res.json().reasons.map((r: { code: string }) => r.code)).toContain(
        'VELOCITY_UNAVAILABLE',
      );
    } finally {
      await app.close();
    }
  });
});

describe('fraud routes without a model', () => {
  it('scores by rules only and says so in the answer and in readiness', async () => {
    const fakes = fakeDeps(null);
    const app = await buildApp(fakes.deps);
    try {
      const res = await app.inject({ method: 'POST', url: '/v1/fraud/score', payload: order() });
      expect(res.statusCode).toBe(200);
      expect(res.json().modelVersion).toBe('rules-only');
      expect(res.json().reasons.map((r: { code: string }) => r.code)).toContain(
        'MODEL_UNAVAILABLE',
      );
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.model).toContain('rules-only');
    } finally {
      await app.close();
    }
  });
});

describe('fraud metrics', () => {
  it("serves the decision log's drop count on /metrics", async () => {
    const fakes = fakeDeps();
    const metrics = createMetricsRegistry('fraud');
    const pool = { query: async () => ({ rows: [] }) } as unknown as Pool;
    const publisher = { publish: async () => undefined };
    new DecisionLog(pool, publisher, fakes.deps.logger, 100, { metrics });
    const app = await buildApp({ ...fakes.deps, metrics });
    try {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE qm_fraud_decisions_dropped_total counter');
    } finally {
      await app.close();
    }
  });
});
