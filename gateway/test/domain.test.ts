import { answerOutcome, CircuitBreaker, noAnswerOutcome } from '../src/domain/breaker';
import { KeyResolver } from '../src/domain/key-cache';
import { hashKey, keyFromHeaders, type KeyRecord } from '../src/domain/keys';
import { canonicalPath } from '../src/domain/paths';
import { requiredAccess } from '../src/domain/scopes';

describe('the scope table', () => {
  it.each([
    ['GET', '/v1/forecasts/SKU1', 'forecasts:read'],
    ['POST', '/v1/forecasts', 'forecasts:read'],
    ['POST', '/v1/recommendations/session', 'recommendations:read'],
    ['GET', '/v1/inventory/stock/SKU1', 'inventory:read'],
    ['POST', '/v1/inventory/policies', 'inventory:read'],
    ['POST', '/v1/inventory/movements', 'inventory:write'],
    ['GET', '/v1/pricing/SKU1/elasticity', 'pricing:read'],
    ['POST', '/v1/pricing/simulate', 'pricing:read'],
    ['PUT', '/v1/pricing/SKU1/guardrails', 'pricing:write'],
    ['POST', '/v1/support/messages', 'support:write'],
    ['POST', '/v1/fraud/score', 'fraud:score'],
    ['POST', '/v1/fraud/feedback', 'fraud:admin'],
    ['POST', '/v1/events', 'events:write'],
    ['GET', '/v1/ops/pipeline', 'admin'],
    ['DELETE', '/v1/admin/keys/1', 'admin'],
  ])('%s %s needs %s', (method, path, scope) => {
    expect(requiredAccess(method, path)).toEqual({ kind: 'scope', scope });
  });

  it('leaves probes, metrics and docs public', () => {
    for (const path of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/openapi.json',
      '/docs',
      '/docs/json',
    ]) {
      expect(requiredAccess('GET', path)).toEqual({ kind: 'public' });
    }
    expect(requiredAccess('GET', '/v1/fraud/healthz')).toEqual({ kind: 'public' });
  });
});

describe('canonicalPath', () => {
  it('keeps a plain path as it is', () => {
    expect(canonicalPath('/v1/recommendations/items/yoochoose:214536502')).toEqual({
      ok: true,
      path: '/v1/recommendations/items/yoochoose:214536502',
    });
  });

  it('re-encodes Unicode ids the canonical way', () => {
    expect(canonicalPath('/v1/inventory/stock/caf%c3%a9%2Fx')).toEqual({
      ok: true,
      path: '/v1/inventory/stock/caf%C3%A9%2Fx',
    });
  });

  it('refuses invalid percent-encoding, control characters and long segments', () => {
    expect(canonicalPath('/v1/inventory/stock/%ZZ').ok).toBe(false);
    expect(canonicalPath('/v1/inventory/stock/a%00b').ok).toBe(false);
    expect(canonicalPath(`/v1/inventory/stock/${'%41'.repeat(257)}`).ok).toBe(false);
  });
});

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after cool-down, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, now: () => now });
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);

    now = 1000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.allow()).toBe(true);
  });

  it('opens again when the probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: () => now });
    breaker.failure();
    now = 1500;
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allow()).toBe(false);
  });
});

describe('what a call says of its service', () => {
  it('counts 5xx answers and unreachable services as failures', () => {
    expect(answerOutcome(500, undefined)).toBe('failure');
    expect(answerOutcome(502, undefined)).toBe('failure');
    expect(answerOutcome(503, undefined)).toBe('failure');
    expect(noAnswerOutcome(false)).toBe('failure');
  });

  it('counts neither load shedding (Retry-After) nor a gateway timeout against the service', () => {
    expect(answerOutcome(503, '5')).toBe('inconclusive');
    expect(noAnswerOutcome(true)).toBe('inconclusive');
    expect(answerOutcome(404, undefined)).toBe('success');
  });

  it('neither counts nor clears failures on an inconclusive call, and frees the probe', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, now: () => now });
    breaker.failure();
    for (let i = 0; i < 5; i++) breaker.record('inconclusive');
    expect(breaker.state).toBe('closed');
    breaker.record('failure');
    expect(breaker.state).toBe('open');

    now = 1000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.record('inconclusive');
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true);
  });
});

describe('KeyResolver', () => {
  const record = (revokedAt: Date | null): KeyRecord => ({
    id: 'k1',
    name: 'shop',
    scopes: ['events:write'],
    rateLimitPerMinute: 60,
    allowedOrigins: [],
    expiresAt: null,
    revokedAt,
    createdAt: new Date(0),
  });

  it('sees a revocation made elsewhere once the cache time has passed', async () => {
    let now = 0;
    let stored = record(null);
    const lookups: string[] = [];
    const resolver = new KeyResolver({
      lookup: async (hash) => {
        lookups.push(hash);
        return stored;
      },
      ttlMs: 5000,
      now: () => now,
    });

    expect((await resolver.resolve('secret'))?.revokedAt).toBeNull();
    stored = record(new Date(1));
    now = 4999;
    expect((await resolver.resolve('secret'))?.revokedAt).toBeNull();
    now = 5000;
    expect((await resolver.resolve('secret'))?.revokedAt).toEqual(new Date(1));
    expect(lookups).toEqual([hashKey('secret'), hashKey('secret')]);
  });

  it('knows a key looked up within the cache time without a promise, and not after', async () => {
    let now = 0;
    const resolver = new KeyResolver({
      lookup: async () => record(null),
      ttlMs: 5000,
      now: () => now,
    });
    expect(resolver.known('secret')).toBeUndefined();
    await resolver.resolve('secret');
    now = 4999;
    expect(resolver.known('secret')?.record?.name).toBe('shop');
    expect(resolver.known('other')).toBeUndefined();
    now = 5000;
    expect(resolver.known('secret')).toBeUndefined();
  });

  it('answers the master key without the store', async () => {
    const resolver = new KeyResolver({
      lookup: async () => {
        throw new Error('store consulted');
      },
      ttlMs: 5000,
      master: { key: 'boot', record: record(null) },
    });
    expect((await resolver.resolve('boot'))?.name).toBe('shop');
    expect(resolver.known('boot')?.record?.name).toBe('shop');
  });
});

describe('keyFromHeaders', () => {
  it('takes x-api-key first, then a bearer token', () => {
    expect(keyFromHeaders('a', 'Bearer b')).toBe('a');
    expect(keyFromHeaders(undefined, 'Bearer b')).toBe('b');
    expect(keyFromHeaders(undefined, 'Basic b')).toBeUndefined();
  });
});
