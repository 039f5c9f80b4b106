import pino from 'pino';
import type { Pool, ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import { createEstimator } from '../src/estimates';
import { createExperiments } from '../src/experiments';
import { createPricing, type Pricing } from '../src/pricing';

const log = pino({ level: 'silent' });

/** Real services over a pool that fails any query: only input checks can answer. */
function offlineDeps() {
  const pool = {
    query: () => Promise.reject(new Error('no database in route tests')),
    connect: () => Promise.reject(new Error('no database in route tests')),
  } as unknown as Pool;
  const pricing = createPricing({
    pool,
    log,
    estimator: createEstimator({ pool, log, refreshSeconds: 60 }),
    publisher: { publish: async () => undefined },
    priceTopic: 'qm.price-changes.v1',
    stock: async () => undefined,
    defaultCostRatio: 0.6,
    currency: 'GBP',
  });
  return { pricing, experiments: createExperiments({ pool, log }) };
}

const recommendation = {
  id: '7f6c7a9e-6c1f-4a8e-9d57-1c7d2b7f0a11',
  sku: '85123A',
  objective: 'margin',
  segment: 'all',
  currentPrice: 2.55,
  recommendedPrice: 2.8,
  changePct: 9.8,
  expectedUnits: 30.1,
  expectedRevenue: 84.3,
  expectedMargin: 38.4,
  elasticity: -0.7,
  elasticityInterval: { lower: -1.1, upper: -0.3 },
  boundBy: ['maxChange'],
  conflicts: [],
  confidence: 'high',
  notes: [],
  unitCost: 1.53,
  costSource: 'defaultRatio',
  currency: 'GBP',
  lowestCompetitorPrice: null,
  onHand: null,
  stock: 'unknown',
  daysOfCover: null,
  guardrails: { maxChangePct: 10, priceEnding: 'none', excessCoverDays: 120, lowCoverDays: 14 },
  createdAt: '2026-12-03T19:00:00.000Z',
};

describe('pricing routes', () => {
  let app: ServiceApp;

  afterEach(async () => {
    await app.close();
  });

  it('answers a recommendation with the fields of the contract', async () => {
    const deps = offlineDeps();
    const pricing = { ...deps.pricing, recommendation: async () => recommendation };
    app = await buildApp({ ...deps, pricing: pricing as Pricing, log });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/pricing/85123A/recommendation?objective=margin',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown>>();
    for (const field of [
      'sku',
      'currentPrice',
      'recommendedPrice',
      'expectedUnits',
      'expectedRevenue',
      'expectedMargin',
      'elasticity',
      'boundBy',
      'confidence',
      'id',
    ]) {
      expect(body).toHaveProperty(field);
    }
  });

  it('rejects an unknown objective naming the field', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'GET',
      url: '/v1/pricing/X/recommendation?objective=x',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'objective' });
  });

  it('rejects a zero or negative price in a simulation, naming the field', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/simulate',
      payload: { sku: 'X', prices: [1, -2] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ field: string }>().field).toMatch(/prices/);
  });

  it('rejects a vanishingly small price, at which simulated demand would overflow', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/simulate',
      payload: { sku: 'X', prices: [1e-300] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'prices[0]' });
  });

  it('rejects a blank SKU in a path or a body, naming the field', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const guardrails = await app.inject({
      method: 'PUT',
      url: '/v1/pricing/%20/guardrails',
      payload: { floor: 1 },
    });
    expect(guardrails.statusCode).toBe(400);
    expect(guardrails.json()).toMatchObject({ field: 'sku' });
    const competitor = await app.inject({
      method: 'POST',
      url: '/v1/pricing/competitor-prices',
      payload: { prices: [{ sku: '  ', competitor: 'acme', price: 1 }] },
    });
    expect(competitor.statusCode).toBe(400);
    expect(competitor.json()).toMatchObject({ field: 'prices[0].sku' });
  });

  it.each([
    ['PUT', '/v1/pricing/%20A/guardrails', { floor: 1 }, 'sku'],
    ['PUT', '/v1/pricing/categories/%20/guardrails', { floor: 1 }, 'category'],
    ['PUT', '/v1/pricing/categories/Lamps%E2%80%AE/guardrails', { floor: 1 }, 'category'],
    [
      'POST',
      '/v1/pricing/competitor-prices',
      { prices: [{ sku: 'A\t', competitor: 'acme', price: 1 }] },
      'prices[0].sku',
    ],
    [
      'POST',
      '/v1/pricing/competitor-prices',
      { prices: [{ sku: 'A', competitor: '  ', price: 1 }] },
      'prices[0].competitor',
    ],
    [
      'POST',
      '/v1/pricing/competitor-prices',
      { prices: [{ sku: 'A', competitor: 'ac\tme', price: 1 }] },
      'prices[0].competitor',
    ],
    [
      'POST',
      '/v1/pricing/experiments',
      {
        sku: 'A',
        arms: [
          { name: ' ', price: 1 },
          { name: 'b', price: 2 },
        ],
      },
      'arms[0].name',
    ],
  ] as const)(
    'rejects %s %s holding a padded, blank or disguised name, naming the field',
    async (method, url, payload, field) => {
      app = await buildApp({ ...offlineDeps(), log });
      const res = await app.inject({ method, url, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    },
  );

  it('rejects a floor above the ceiling, naming the floor', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/pricing/X/guardrails',
      payload: { floor: 5, ceiling: 4 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_GUARDRAILS', field: 'floor' });
  });

  it('rejects a minimum margin of 100% or more, naming the field', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'PUT',
      url: '/v1/pricing/categories/mugs/guardrails',
      payload: { minMarginPct: 120 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ field: string }>().field).toMatch(/minMarginPct/);
  });

  it('rejects a zero floor and a negative competitor price, naming the fields', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const floor = await app.inject({
      method: 'PUT',
      url: '/v1/pricing/X/guardrails',
      payload: { floor: 0 },
    });
    expect(floor.json<{ field: string }>().field).toMatch(/floor/);
    const competitor = await app.inject({
      method: 'POST',
      url: '/v1/pricing/competitor-prices',
      payload: { prices: [{ sku: 'X', competitor: 'acme', price: -1 }] },
    });
    expect(competitor.statusCode).toBe(400);
    expect(competitor.json<{ field: string }>().field).toMatch(/price/);
  });

  it('rejects an experiment with a single arm', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/experiments',
      payload: { sku: 'X', arms: [{ name: 'control', price: 2 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ field: string }>().field).toMatch(/arms/);
  });

  it('requires who approves a recommendation', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/recommendations/9b2f4c1e-8d3a-4f6b-a1c2-3d4e5f607182/approve',
      payload: {},
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ field: string }>().field).toMatch(/approvedBy/);
  });

  it('answers 400 naming the id when a recommendation id is not a UUID', async () => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/recommendations/abc/approve',
      payload: { approvedBy: 'bob' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
  });

  it.each([
    ['in the far future', '2999-01-01T00:00:00Z'],
    ['more than a day ahead', new Date(Date.now() + 2 * 86_400_000).toISOString()],
    ['before 1970', '1969-12-31T23:59:59Z'],
  ])('rejects a competitor price observed %s, naming the field', async (_, observedAt) => {
    app = await buildApp({ ...offlineDeps(), log });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/competitor-prices',
      payload: {
        prices: [
          { sku: 'X', competitor: 'acme', price: 2, observedAt: '2024-05-01T10:00:00Z' },
          { sku: 'X', competitor: 'bolt', price: 2, observedAt },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'prices[1].observedAt' });
  });

  it.each(['%20', '%20%20%09', '%20u1'])(
    'rejects a blank or space-padded unit id (%s) in an assignment, naming the field',
    async (unitId) => {
      app = await buildApp({ ...offlineDeps(), log });
      const res = await app.inject({
        method: 'GET',
        url: `/v1/pricing/experiments/e1/assignment?unitId=${unitId}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'unitId' });
    },
  );
});
