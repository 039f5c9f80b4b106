import type { FastifyInstance } from 'fastify';
import type { ServiceApp } from '@qm/kit';
import { startStubService } from './support/fakes';
import { buildTestGateway, createKey, MASTER } from './support/gateway';
import type { MemoryKeyStore } from './support/fakes';

describe('gateway keys, scopes and limits', () => {
  let fraud: { app: ServiceApp; url: string };
  let gateway: FastifyInstance;
  let keys: MemoryKeyStore;

  beforeAll(async () => {
    fraud = await startStubService('fraud');
    ({ app: gateway, keys } = await buildTestGateway({ QM_FRAUD_URL: fraud.url }));
  });

  afterAll(async () => {
    await gateway.close();
    await fraud.app.close();
  });

  const call = (key?: string, extra: Record<string, string> = {}) =>
    gateway.inject({
      method: 'POST',
      url: '/v1/fraud/score',
      headers: { ...(key === undefined ? {} : { 'x-api-key': key }), ...extra },
      payload: { transactionId: 't1' },
    });

  it('answers 401 when no key is sent', async () => {
    const response = await call();
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({
      code: 'MISSING_API_KEY',
      requestId: expect.any(String),
    });
  });

  it('answers 401 for a key it does not know', async () => {
    const response = await call('qm_not-a-real-key');
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('INVALID_API_KEY');
  });

  it('answers 403 naming the scope when a storefront key calls fraud scoring', async () => {
    const { key } = await createKey(gateway, {
      name: 'storefront',
      scopes: ['recommendations:read', 'events:write'],
    });
    const response = await call(key);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      code: 'MISSING_SCOPE',
      message: 'this call needs the scope fraud:score',
      details: { requiredScope: 'fraud:score' },
    });
  });

  it('lets a key with the scope through to the service', async () => {
    const { key } = await createKey(gateway, { name: 'checkout', scopes: ['fraud:score'] });
    expect((await call(key)).statusCode).toBe(404);
  });

  it('refuses a revoked key at once on the gateway that revoked it', async () => {
    const { id, key } = await createKey(gateway, { name: 'old', scopes: ['fraud:score'] });
    expect((await call(key)).statusCode).not.toBe(401);

    const revoked = await gateway.inject({
      method: 'DELETE',
      url: `/v1/admin/keys/${id}`,
      headers: { 'x-api-key': MASTER },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));

    const response = await call(key);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('KEY_REVOKED');
  });

  it('refuses an expired key with 401', async () => {
    const { id, key } = await createKey(gateway, {
      name: 'short-lived',
      scopes: ['fraud:score'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    // A key cannot be created expired; let the stored one run out instead.
    keys.records.get(id)!.expiresAt = new Date(Date.now() - 1000);
    const response = await call(key);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('KEY_EXPIRED');
  });

  it('answers 429 with Retry-After and rate-limit headers past the per-minute limit', async () => {
    const { key } = await createKey(gateway, {
      name: 'tiny',
      scopes: ['fraud:score'],
      rateLimitPerMinute: 2,
    });
    const first = await call(key);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    await call(key);

    const limited = await call(key);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  });

  it('refuses a storefront key from an origin it does not allow', async () => {
    const { key } = await createKey(gateway, {
      name: 'shop',
      scopes: ['fraud:score'],
      allowedOrigins: ['https://shop.example'],
    });
    const other = await call(key, { origin: 'https://evil.example' });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('ORIGIN_NOT_ALLOWED');

    const own = await call(key, { origin: 'https://shop.example' });
    expect(own.statusCode).not.toBe(403);
    expect(own.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(own.headers.vary).toContain('Origin');
    expect(own.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  it('lets browser code read every rate-limit header, Retry-After and the request id', async () => {
    const { key } = await createKey(gateway, {
      name: 'shop-headers',
      scopes: ['fraud:score'],
      allowedOrigins: ['https://shop.example'],
    });
    const response = await call(key, { origin: 'https://shop.example' });
    const exposed = String(response.headers['access-control-expose-headers']).split(/,\s*/);
    expect(response.headers['ratelimit-reset']).toBeDefined();
    expect(exposed).toEqual(
      expect.arrayContaining([
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ]),
    );
  });

  it('lets browser code at an allowed origin read a refusal for a missing scope', async () => {
    const { key } = await createKey(gateway, {
      name: 'shop-scope',
      scopes: ['events:write'],
      allowedOrigins: ['https://shop.example'],
    });
    const response = await call(key, { origin: 'https://shop.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('MISSING_SCOPE');
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(response.headers.vary).toContain('Origin');
  });

  it('lets browser code at an allowed origin read that its key was revoked', async () => {
    const { key, id } = await createKey(gateway, {
      name: 'shop-revoked',
      scopes: ['fraud:score'],
      allowedOrigins: ['https://shop.example'],
    });
    const revoked = await gateway.inject({
      method: 'DELETE',
      url: `/v1/admin/keys/${id}`,
      headers: { 'x-api-key': MASTER },
    });
    expect(revoked.statusCode).toBe(200);

    const response = await call(key, { origin: 'https://shop.example' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    const other = await call(key, { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives a key bound to no origin no CORS headers, even from a browser', async () => {
    const { key } = await createKey(gateway, { name: 'backend', scopes: ['fraud:score'] });
    const response = await call(key, { origin: 'https://shop.example' });
    expect(response.statusCode).not.toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets browser code read a refusal for a missing or unknown key', async () => {
    for (const key of [undefined, 'qm_not-a-real-key']) {
      const response = await call(key, { origin: 'https://shop.example' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(response.headers.vary).toContain('Origin');
    }
  });

  it('answers a CORS preflight without a key', async () => {
    const response = await gateway.inject({
      method: 'OPTIONS',
      url: '/v1/fraud/score',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(response.headers['access-control-allow-headers']).toContain('x-api-key');
    expect(response.headers['access-control-allow-methods']).toContain('DELETE');
  });

  it('answers an OPTIONS call that is not a preflight with a JSON 404', async () => {
    const response = await gateway.inject({ method: 'OPTIONS', url: '/v1/fraud/score' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('ROUTE_NOT_FOUND');
  });

  describe('admin keys endpoints', () => {
    it('creates a key shown once and stores only its hash', async () => {
      const created = await gateway.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER },
        payload: { name: 'warehouse', scopes: ['inventory:read'], rateLimitPerMinute: 120 },
      });
      expect(created.statusCode).toBe(201);
      const { id, key } = created.json<{ id: string; key: string }>();
      expect(key).toMatch(/^qm_[A-Za-z0-9_-]{43}$/);

      const stored = keys.records.get(id);
      expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(key);

      const listed = await gateway.inject({
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER },
      });
      expect(listed.statusCode).toBe(200);
      const entry = listed.json().keys.find((k: { id: string }) => k.id === id);
      expect(entry).toMatchObject({
        name: 'warehouse',
        scopes: ['inventory:read'],
        rateLimitPerMinute: 120,
      });
      expect(listed.body).not.toContain(key);
    });

    it('refuses an unknown scope naming the field', async () => {
      const response = await gateway.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER },
        payload: { name: 'x', scopes: ['everything'] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().field).toMatch(/^scopes/);
    });

    const createWith = (body: Record<string, unknown>) =>
      gateway.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER },
        payload: { name: 'storefront', scopes: ['events:write'], ...body },
      });

    it.each([
      ['name', { name: 'a\u0000b' }],
      ['name', { name: 'tab\there' }],
      ['name', { name: 'lone \ud800' }],
      ['allowedOrigins[0]', { allowedOrigins: ['https://shop\u0000.example'] }],
      ['allowedOrigins[0]', { allowedOrigins: ['https://shop.example/'] }],
      ['allowedOrigins[1]', { allowedOrigins: ['https://a.example', 'https://me@b.example'] }],
      ['allowedOrigins[0]', { allowedOrigins: ['http://shop.example:99999'] }],
      ['allowedOrigins[0]', { allowedOrigins: ['http://shop.example:65536'] }],
      ['allowedOrigins[0]', { allowedOrigins: ['http://shop.example:0'] }],
      ['allowedOrigins[0]', { allowedOrigins: ['https://shop.example:443'] }],
      ['allowedOrigins[1]', { allowedOrigins: ['http://a.example:8080', 'http://[::1]:80'] }],
      ['name', { name: '   ' }],
      ['name', { name: '\u00a0\u2003' }],
      ['name', { name: '\u200b\u200b' }],
      ['name', { name: 'two\u2028lines' }],
    ])('refuses a key whose %s PostgreSQL or the origin check cannot use', async (field, body) => {
      const response = await createWith(body);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it.each([
      ['a right-to-left override', 'invoice\u202etxt.exe'],
      ['a left-to-right embedding', 'shop\u202aname'],
      ['a first-strong isolate', 'shop\u2068name\u2069'],
      ['a left-to-right mark', 'shop\u200ename'],
      ['a right-to-left mark', 'shop\u200fname'],
      ['an Arabic letter mark', 'shop\u061cname'],
      ['a C1 control character', 'shop\u0085name'],
    ])('refuses a key name with %s, which could disguise it in a listing', async (_, name) => {
      const response = await createWith({ name });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'name' });
    });

    it('accepts a key name in a right-to-left script', async () => {
      const response = await createWith({ name: 'متجر الرياض' });

      expect(response.statusCode).toBe(201);
    });

    it('accepts a key name with an emoji joined by zero-width joiners', async () => {
      const response = await createWith({ name: 'family shop \u{1f468}\u200d\u{1f469}' });

      expect(response.statusCode).toBe(201);
    });

    it.each([
      ['in the past', '2020-01-01T00:00:00Z'],
      ['now', new Date(Date.now() - 1000).toISOString()],
      ['at a leap second Date cannot read', '2030-12-31T23:59:60Z'],
    ])('refuses a key that expires %s', async (_when, expiresAt) => {
      const response = await createWith({ expiresAt });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'expiresAt' });
    });

    it('creates a key for origins with ports and IPv6 hosts, expiring later', async () => {
      const response = await createWith({
        allowedOrigins: [
          'https://shop.example',
          'http://127.0.0.1:3000',
          'http://[::1]:8080',
          'http://shop.example:65535',
        ],
        expiresAt: '2999-01-01T00:00:00+01:00',
      });

      expect(response.statusCode).toBe(201);
      expect(response.json().expiresAt).toBe('2998-12-31T23:00:00.000Z');
    });

    it.each([
      ['allowedOrigin', { allowedOrigin: ['https://shop.example'] }],
      ['rateLimitPerMinut', { rateLimitPerMinut: 10 }],
    ])('refuses a key with the misspelt field %s instead of dropping it', async (field, body) => {
      const response = await createWith(body);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    });

    it.each([
      ['rateLimitPerMinute', { rateLimitPerMinute: '0x10' }],
      ['rateLimitPerMinute', { rateLimitPerMinute: '16' }],
      ['scopes', { scopes: 'events:write' }],
    ])('reads %s as JSON typed it, without coercing text', async (field, body) => {
      const response = await createWith(body);

      expect(response.statusCode).toBe(400);
      expect(response.json().field).toMatch(new RegExp(`^${field}`));
    });

    it('answers 404 for revoking an unknown key and 400 for a malformed id', async () => {
      const headers = { 'x-api-key': MASTER };
      const missing = await gateway.inject({
        method: 'DELETE',
        url: '/v1/admin/keys/00000000-0000-4000-8000-000000000000',
        headers,
      });
      expect(missing.statusCode).toBe(404);
      const malformed = await gateway.inject({
        method: 'DELETE',
        url: '/v1/admin/keys/42',
        headers,
      });
      expect(malformed.statusCode).toBe(400);
    });

    it('revokes a key when the DELETE says JSON but carries no body', async () => {
      const { id } = await createKey(gateway, { name: 'to-revoke', scopes: ['forecasts:read'] });
      const response = await gateway.inject({
        method: 'DELETE',
        url: `/v1/admin/keys/${id}`,
        headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().revokedAt).toEqual(expect.any(String));

      const created = await gateway.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      });
      expect(created.json().code).toBe('EMPTY_BODY');
    });

    it('is closed to keys without the admin scope', async () => {
      const { key } = await createKey(gateway, { name: 'reader', scopes: ['forecasts:read'] });
      const response = await gateway.inject({
        url: '/v1/admin/keys',
        headers: { 'x-api-key': key },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().message).toContain('admin');
    });
  });
});
