import { join } from 'node:path';
import { createLogger, type ServiceApp } from '@qm/kit';
import { buildApp } from '../src/app';
import { createEstimator } from '../src/estimates';
import { createExperiments } from '../src/experiments';
import { createPricing } from '../src/pricing';
import { openServiceTestStack, type ServiceTestStack } from '@qm/tests';

const log = createLogger('pricing-test', 'silent');

let stack: ServiceTestStack;
let app: ServiceApp;

const twoArms = [
  { name: 'control', price: 10 },
  { name: 'b', price: 9 },
];

const create = (sku: string, arms = twoArms) =>
  app.inject({ method: 'POST', url: '/v1/pricing/experiments', payload: { sku, arms } });

const stop = (id: string, payload: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: `/v1/pricing/experiments/${id}/stop`, payload });

beforeAll(async () => {
  stack = await openServiceTestStack('pricing-exp', join(__dirname, '..', 'migrations'), {
    searchPath: true,
  });
  const pricing = createPricing({
    pool: stack.pool,
    log,
    estimator: createEstimator({ pool: stack.pool, log, refreshSeconds: 60 }),
    publisher: stack.bus.publisher,
    priceTopic: 'unused',
    stock: async () => undefined,
    defaultCostRatio: 0.6,
    currency: 'GBP',
  });
  app = await buildApp({ pricing, experiments: createExperiments({ pool: stack.pool, log }), log });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await stack?.teardown();
}, 60_000);

describe('one running experiment per SKU', () => {
  it('refuses a second experiment while one runs on the SKU, and allows one after', async () => {
    const first = await create('SEQ');
    expect(first.statusCode).toBe(201);

    const second = await create('SEQ');
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({
      code: 'EXPERIMENT_RUNNING',
      field: 'sku',
      details: { experimentId: first.json<{ id: string }>().id },
    });

    await stop(first.json<{ id: string }>().id);
    expect((await create('SEQ')).statusCode).toBe(201);
  });

  it('starts exactly one of 50 experiments created at once on one SKU', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => create('PAR')));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
  });
});

describe('stopping an experiment', () => {
  it('stops the experiment when every treatment arm is stopped', async () => {
    const exp = (await create('ARMS')).json<{ id: string }>();

    const res = await stop(exp.id, { arms: ['b'] });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'stopped', stoppedArms: ['b'] });
    expect(res.json<{ stoppedAt: string | null }>().stoppedAt).not.toBeNull();
  });

  it('keeps a three-arm experiment running while one treatment arm runs', async () => {
    const arms = [...twoArms, { name: 'c', price: 8 }];
    const exp = (await create('THREE', arms)).json<{ id: string }>();

    const res = await stop(exp.id, { arms: ['b'] });

    expect(res.json()).toMatchObject({ status: 'running', stoppedArms: ['b'], stoppedAt: null });
  });

  it('stops the experiment when its two treatment arms are stopped at once', async () => {
    const arms = [...twoArms, { name: 'c', price: 8 }];
    const ids = await Promise.all(
      ['AT-ONCE-1', 'AT-ONCE-2', 'AT-ONCE-3'].map(
        async (sku) => (await create(sku, arms)).json<{ id: string }>().id,
      ),
    );

    await Promise.all(ids.flatMap((id) => [stop(id, { arms: ['b'] }), stop(id, { arms: ['c'] })]));

    for (const id of ids) {
      const after = await app.inject({ method: 'GET', url: `/v1/pricing/experiments/${id}` });
      expect(after.json()).toMatchObject({ status: 'stopped' });
      expect(after.json<{ stoppedArms: string[] }>().stoppedArms.sort()).toEqual(['b', 'c']);
    }
  });

  it('refuses to stop the control by name, and changes nothing', async () => {
    const exp = (await create('CONTROL')).json<{ id: string }>();

    const res = await stop(exp.id, { arms: ['control'] });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_EXPERIMENT', field: 'arms' });
    const after = await app.inject({ method: 'GET', url: `/v1/pricing/experiments/${exp.id}` });
    expect(after.json()).toMatchObject({ status: 'running', stoppedArms: [] });
  });

  it('answers a stopped experiment as it was stopped, without rewriting it', async () => {
    const arms = [...twoArms, { name: 'c', price: 8 }];
    const exp = (await create('TWICE', arms)).json<{ id: string }>();
    const first = (await stop(exp.id)).json<{ stoppedAt: string }>();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const again = await stop(exp.id, { arms: ['c'] });

    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      status: 'stopped',
      stoppedArms: [],
      stoppedAt: first.stoppedAt,
    });
  });
});
