import { join } from 'node:path';
import { topicName } from '@qm/contracts';
import type { Publisher } from '@qm/events';
import { Cache, createLogger, type Pool, type PoolClient, type ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import { createEstimator } from '../src/estimates';
import { createExperiments } from '../src/experiments';
import { createPricing, type Pricing } from '../src/pricing';
import { openServiceTestStack, type ServiceTestStack } from '@qm/tests';

const log = createLogger('pricing-test', 'silent');

let stack: ServiceTestStack;
let app: ServiceApp;
let published: { sku: string }[] = [];
let brokerDown = false;
let pricing: Pricing;

/**
 * 90 selling days of inelastic demand (100 · p^-0.5) at four prices up to `price`, which is
 * the SKU's current price: recommendations raise it by the largest step allowed.
 */
async function seedSku(sku: string, price = 2.7) {
  const prices = [price - 0.3, price - 0.2, price - 0.1, price];
  const rows = Array.from({ length: 90 }, (_, i) => {
    const p = prices[i % 4];
    const units = Math.round(100 * p ** -0.5 * (1 + 0.05 * Math.sin(i)));
    return { day: new Date(Date.UTC(2011, 2, 1 + i)), units, revenue: units * p };
  });
  await stack.pool.query(
    `INSERT INTO daily_points (sku, segment, day, units, revenue)
     SELECT $1, 'retail', * FROM unnest($2::date[], $3::float8[], $4::float8[])`,
    [sku, rows.map((r) => r.day), rows.map((r) => r.units), rows.map((r) => r.revenue)],
  );
  await stack.pool.query(
    `INSERT INTO skus (sku, price, price_observed_at) VALUES ($1, $2, '2011-05-29T12:00:00Z')`,
    [sku, price],
  );
}

async function recommend(sku: string, objective = 'margin') {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/pricing/${sku}/recommendation?objective=${objective}`,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ id: string; currentPrice: number; recommendedPrice: number }>();
}

const putGuardrails = (sku: string, payload: Record<string, unknown>) =>
  app.inject({ method: 'PUT', url: `/v1/pricing/${sku}/guardrails`, payload });

const approve = (id: string, approvedBy = 'ana') =>
  app.inject({
    method: 'POST',
    url: `/v1/pricing/recommendations/${id}/approve`,
    payload: { approvedBy },
  });

const publishedFor = (sku: string) => published.filter((m) => m.sku === sku).length;

let commitsToFail = 0;

/** The pool, except that its clients' next `commitsToFail` commits fail as a lost link would. */
function failingCommits(pool: Pool): Pool {
  const failing = (client: PoolClient) =>
    new Proxy(client, {
      get(target, name) {
        if (name !== 'query') return Reflect.get(target, name, target);
        return (sql: unknown, ...rest: unknown[]) => {
          if (commitsToFail > 0 && typeof sql === 'string' && /^commit$/i.test(sql.trim())) {
            commitsToFail -= 1;
            return target.query('ROLLBACK').then(() => {
              throw new Error('Connection terminated unexpectedly');
            });
          }
          return (target.query as (...args: unknown[]) => unknown)(sql, ...rest);
        };
      },
    });
  return new Proxy(pool, {
    get(target, name) {
      if (name === 'connect') return async () => failing(await target.connect());
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const approvedAt = async (id: string) =>
  (await stack.pool.query('SELECT approved_at FROM recommendations WHERE id = $1', [id])).rows[0]
    .approved_at;

beforeAll(async () => {
  stack = await openServiceTestStack('pricing-recs', join(__dirname, '..', 'migrations'), {
    searchPath: true,
  });
  // Counts what approval publishes, then publishes it for real.
  const publisher: Publisher = {
    publish: async (topic, messages, options) => {
      if (brokerDown) throw new Error('no broker answers');
      for (const m of messages) published.push({ sku: String(m.key) });
      await stack.bus.publisher.publish(topic, messages, options);
    },
  };
  pricing = createPricing({
    pool: failingCommits(stack.pool),
    log,
    estimator: createEstimator({ pool: stack.pool, log, refreshSeconds: 1 }),
    cache: new Cache(stack.redis, `${stack.prefix}:`, 30),
    publisher,
    priceTopic: topicName('priceChanges', stack.bus.topicPrefix),
    stock: async () => undefined,
    defaultCostRatio: 0.6,
    currency: 'GBP',
  });
  app = await buildApp({ pricing, experiments: createExperiments({ pool: stack.pool, log }), log });
}, 60_000);

afterEach(() => {
  published = [];
  brokerDown = false;
  commitsToFail = 0;
});

afterAll(async () => {
  await app?.close();
  await stack?.teardown();
}, 60_000);

describe('approving recommendations', () => {
  it('refuses recommendations made under guardrails that are no longer in force', async () => {
    await seedSku('21232');
    const a = await recommend('21232');
    expect(a).toMatchObject({ currentPrice: 2.7, recommendedPrice: 2.97 });
    expect((await putGuardrails('21232', { maxChangePct: 5 })).statusCode).toBe(200);
    const b = await recommend('21232');
    expect(b).toMatchObject({ currentPrice: 2.7, recommendedPrice: 2.83 });
    expect((await putGuardrails('21232', {})).statusCode).toBe(200);

    const first = await approve(a.id);
    const second = await approve(b.id);

    expect(first.statusCode).toBe(409);
    expect(first.json()).toMatchObject({ code: 'RECOMMENDATION_NOT_CURRENT' });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      code: 'RECOMMENDATION_NOT_CURRENT',
      details: { reason: 'guardrailsChanged' },
    });
    expect(publishedFor('21232')).toBe(0);
  });

  it('refuses a recommendation forced by a floor that was removed since', async () => {
    await seedSku('FLOOR');
    await putGuardrails('FLOOR', { floor: 16_200 });
    const forced = await recommend('FLOOR');
    expect(forced.recommendedPrice).toBe(16_200);
    await putGuardrails('FLOOR', {});

    const res = await approve(forced.id);

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ details: { reason: 'guardrailsChanged' } });
  });

  it('refuses a recommendation superseded by a newer one for the same question', async () => {
    await seedSku('NEWER');
    const old = await recommend('NEWER');
    // The cached answer is dropped, as a guardrail change or approval would drop it.
    await putGuardrails('NEWER', {});
    const newer = await recommend('NEWER');
    expect(newer.id).not.toBe(old.id);

    const res = await approve(old.id);

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ details: { reason: 'superseded' } });
    expect((await approve(newer.id)).statusCode).toBe(200);
  });

  it('refuses a recommendation whose old price is no longer the price', async () => {
    await seedSku('MOVED');
    const margin = await recommend('MOVED', 'margin');
    const revenue = await recommend('MOVED', 'revenue');
    expect(revenue.currentPrice).toBe(2.7);

    expect((await approve(margin.id)).statusCode).toBe(200);
    const res = await approve(revenue.id);

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ details: { reason: 'priceChanged' } });
    expect(publishedFor('MOVED')).toBe(1);
  });

  it('lets one of two recommendations through when both are approved at once', async () => {
    await seedSku('RACE');
    const margin = await recommend('RACE', 'margin');
    const revenue = await recommend('RACE', 'revenue');

    const answers = await Promise.all([approve(margin.id), approve(revenue.id)]);

    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(publishedFor('RACE')).toBe(1);
  });

  it('refuses a recommendation to keep the price and publishes no price change', async () => {
    await seedSku('SAME');
    await putGuardrails('SAME', { ceiling: 2.7 });
    const keep = await recommend('SAME');
    expect(keep).toMatchObject({ currentPrice: 2.7, recommendedPrice: 2.7 });

    const res = await approve(keep.id);

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NO_PRICE_CHANGE' });
    expect(await approvedAt(keep.id)).toBeNull();
    expect(publishedFor('SAME')).toBe(0);
  });

  it('publishes no price change for an approval whose commit failed', async () => {
    await seedSku('LOST');
    const rec = await recommend('LOST');
    commitsToFail = 1;

    const failed = await approve(rec.id);

    expect(failed.statusCode).toBe(500);
    expect(await approvedAt(rec.id)).toBeNull();
    expect(publishedFor('LOST')).toBe(0);
    expect((await approve(rec.id)).statusCode).toBe(200);
    expect(publishedFor('LOST')).toBe(1);
  });

  it('keeps an approval made while Kafka is down and publishes it once Kafka is back', async () => {
    await seedSku('LATER');
    const rec = await recommend('LATER');
    brokerDown = true;

    const res = await approve(rec.id);

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ alreadyApproved: false, publishedAt: null });
    expect(await approvedAt(rec.id)).not.toBeNull();
    brokerDown = false;
    expect(await pricing.publishPending()).toBe(1);
    expect(await pricing.publishPending()).toBe(0);
    expect(publishedFor('LATER')).toBe(1);
    const again = await approve(rec.id);
    expect(again.json()).toMatchObject({ alreadyApproved: true, publishedAt: expect.any(String) });
    expect(publishedFor('LATER')).toBe(1);
  });

  it('publishes once when one current recommendation is approved 100 times at once', async () => {
    await seedSku('ONCE');
    const rec = await recommend('ONCE');

    const answers = await Promise.all(Array.from({ length: 100 }, () => approve(rec.id)));

    expect(answers.every((r) => r.statusCode === 200)).toBe(true);
    const fresh = answers.filter((r) => r.json<{ alreadyApproved: boolean }>().alreadyApproved);
    expect(fresh).toHaveLength(99);
    expect(publishedFor('ONCE')).toBe(1);
    const again = await approve(rec.id, 'ben');
    expect(again.json()).toMatchObject({ alreadyApproved: true, approvedBy: 'ana' });
  });
});

describe('recording competitor prices', () => {
  const stored = async (sku: string) =>
    (
      await stack.pool.query<{ competitor: string; price: number }>(
        'SELECT competitor, price FROM competitor_prices WHERE sku = $1 ORDER BY competitor',
        [sku],
      )
    ).rows;

  it('keeps the newest of a batch repeating a SKU and competitor, the last of a tie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/pricing/competitor-prices',
      payload: {
        prices: [
          { sku: 'DUP', competitor: 'acme', price: 3, observedAt: '2024-05-01T10:00:00Z' },
          { sku: 'DUP', competitor: 'acme', price: 2.5, observedAt: '2024-05-02T10:00:00Z' },
          { sku: 'DUP', competitor: 'acme', price: 2.9, observedAt: '2024-05-01T12:00:00Z' },
          { sku: 'DUP', competitor: 'bolt', price: 4, observedAt: '2024-05-02T10:00:00Z' },
          { sku: 'DUP', competitor: 'bolt', price: 3.5, observedAt: '2024-05-02T10:00:00Z' },
        ],
      },
    });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 5 });
    expect(await stored('DUP')).toEqual([
      { competitor: 'acme', price: 2.5 },
      { competitor: 'bolt', price: 3.5 },
    ]);
  });
});
