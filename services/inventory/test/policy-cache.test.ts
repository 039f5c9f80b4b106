import {
  Cache,
  createLogger,
  createRedis,
  memoryLogger,
  type Redis,
  type ServiceApp,
} from '@qm/kit';
import { buildApp } from '../src/app';
import { DEFAULT_SETTINGS } from '../src/domain/policy';
import type { Inventory } from '../src/inventory';
import { policyForBody } from '../src/routes/policies';

/** A SKU `KNOWN` whose policy is computed from a fixed history; policies are counted. */
function countingInventory() {
  const counted = { policies: 0 };
  const settings = { ...DEFAULT_SETTINGS, leadTimeDays: 5, serviceLevel: 0.95 };
  const policyForSku = async () => {
    counted.policies += 1;
    const history = [5, 4, 6, 5, 7, 3, 5, 6, 4, 5];
    const policy = policyForBody({
      history,
      onHand: 3,
      leadTimeDays: settings.leadTimeDays,
      serviceLevel: settings.serviceLevel,
      asOf: '2011-11-01',
    });
    return { ...policy, settings, stock: { onHand: 3, onOrder: 0, backorders: 0 } };
  };
  return { inventory: { policyForSku } as unknown as Inventory, counted };
}

describe('policies of a SKU while Redis is down', () => {
  const { log, lines } = memoryLogger();
  let redis: Redis;
  let app: ServiceApp;
  let counted: { policies: number };

  beforeEach(async () => {
    lines.length = 0;
    // Nothing listens on port 1. Without retries every command fails at once, and no
    // reconnection timer outlives the test.
    redis = createRedis('redis://127.0.0.1:1', createLogger('t', 'silent'), {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const built = countingInventory();
    counted = built.counted;
    app = await buildApp({ inventory: built.inventory, log, cache: new Cache(redis, 't:', 60) });
  });

  afterEach(async () => {
    await app.close();
    // A client that has ended already would start a timer on disconnect.
    if (redis.status !== 'end') redis.disconnect();
  });

  it('are computed for every request, the outage warned of once', async () => {
    const first = await app.inject({ method: 'GET', url: '/v1/inventory/policies/KNOWN' });
    const second = await app.inject({ method: 'GET', url: '/v1/inventory/policies/KNOWN' });

    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ sku: 'KNOWN', leadTimeDays: 5, serviceLevel: 0.95 });
    expect(second.json()).toEqual(first.json());
    expect(counted.policies).toBe(2);
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual(['cache unavailable: answers computed']);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
