import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { createPool, createRedis, migrate, type Pool, type Redis } from '@qm/kit';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { PgKeyStore } from '../src/adapters/key-store';
import { startStubService } from './support/fakes';
import { MASTER, midMinute, NOWHERE } from './support/gateway';
import { WINDOW_MS } from '../src/domain/rate-counter';

const DATABASE_URL =
  process.env.QM_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/quartermaster';
const REDIS_URL = process.env.QM_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway keys in PostgreSQL with limits in Redis', () => {
  const log = pino({ level: 'silent' });
  const suffix = randomUUID().slice(0, 8);
  const schema = `gateway_test_${suffix}`;
  const prefix = `qm-test-${suffix}:`;
  let pool: Pool;
  let redis: Redis;
  let stub: Awaited<ReturnType<typeof startStubService>>;
  let gateway: FastifyInstance;
  let second: FastifyInstance;
  let store: PgKeyStore;
  const clock = midMinute();

  beforeAll(async () => {
    await migrate({
      databaseUrl: DATABASE_URL,
      schema,
      dir: join(__dirname, '..', 'migrations'),
      log,
    });
    pool = createPool(DATABASE_URL, log);
    redis = createRedis(REDIS_URL, log);
    stub = await startStubService('inventory');
    store = new PgKeyStore(pool, schema);
    const config = readConfig({
      QM_MASTER_KEY: MASTER,
      QM_REDIS_PREFIX: prefix,
      QM_KEY_CACHE_MS: '300',
      QM_RATE_SYNC_MS: '20',
      QM_MAX_EVENT_LOOP_DELAY_MS: '0',
      QM_INVENTORY_URL: stub.url,
      QM_FRAUD_URL: NOWHERE,
    });
    // Two gateways on one database and one Redis, as when the gateway scales out.
    gateway = await buildApp({ config, log, keys: store, redis, clock });
    second = await buildApp({ config, log, keys: store, redis, clock });
    await Promise.all([gateway.ready(), second.ready()]);
  });

  afterAll(async () => {
    await gateway?.close();
    await second?.close();
    await stub?.app.close();
    const leftovers = await redis.keys(`${prefix}*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    redis.disconnect();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  });

  const create = async (body: Record<string, unknown>) => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: { 'x-api-key': MASTER },
      payload: body,
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; key: string }>();
  };
  const read = (key: string) =>
    gateway.inject({ url: '/v1/inventory/items/SKU-9', headers: { 'x-api-key': key } });

  it('stores a created key hashed and lets it call within its scopes', async () => {
    const { id, key } = await create({ name: 'warehouse', scopes: ['inventory:read'] });
    const { rows } = await pool.query(`select hash from "${schema}".api_keys where id = $1`, [id]);
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].hash).not.toContain(key);
    expect((await read(key)).statusCode).toBe(200);
  });

  it('answers 400 naming the field, not 500, for a name or an origin with a NUL', async () => {
    const post = (body: Record<string, unknown>) =>
      gateway.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { 'x-api-key': MASTER },
        payload: { name: 'storefront', scopes: ['events:write'], ...body },
      });

    const name = await post({ name: 'a\u0000b' });
    const origin = await post({ allowedOrigins: ['https://shop.example\u0000'] });

    expect([name.statusCode, name.json().field]).toEqual([400, 'name']);
    expect([origin.statusCode, origin.json().field]).toEqual([400, 'allowedOrigins[0]']);
  });

  it('stops a key revoked by another gateway within the cache time', async () => {
    const { id, key } = await create({ name: 'elsewhere', scopes: ['inventory:read'] });
    expect((await read(key)).statusCode).toBe(200);

    await store.revoke(id, new Date());
    await waitFor(async () => (await read(key)).statusCode === 401, 5000);
    expect((await read(key)).json().code).toBe('KEY_REVOKED');
  });

  it('lists and revokes keys through the admin endpoints', async () => {
    const { id, key } = await create({ name: 'temp', scopes: ['inventory:read'] });
    const listed = await gateway.inject({
      url: '/v1/admin/keys',
      headers: { 'x-api-key': MASTER },
    });
    expect(listed.json().keys.map((k: { id: string }) => k.id)).toContain(id);

    const deleted = await gateway.inject({
      method: 'DELETE',
      url: `/v1/admin/keys/${id}`,
      headers: { 'x-api-key': MASTER },
    });
    expect(deleted.statusCode).toBe(200);
    expect((await read(key)).statusCode).toBe(401);
  });

  it('counts the rate limit in Redis and answers 429 with Retry-After', async () => {
    const { id, key } = await create({
      name: 'limited',
      scopes: ['inventory:read'],
      rateLimitPerMinute: 3,
    });
    for (let i = 0; i < 3; i++) expect((await read(key)).statusCode).toBe(200);
    const limited = await read(key);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    const counter = `${prefix}gateway:rate:${id}:${Math.floor(clock() / WINDOW_MS)}`;
    await waitFor(async () => (await redis.get(counter)) === '3', 2000);
  });

  it("shares a key's budget between gateways through Redis", async () => {
    const { id, key } = await create({
      name: 'scaled-out',
      scopes: ['inventory:read'],
      rateLimitPerMinute: 4,
    });
    const counter = `${prefix}gateway:rate:${id}:${Math.floor(clock() / WINDOW_MS)}`;
    const readOn = (app: FastifyInstance) =>
      app.inject({ url: '/v1/inventory/items/SKU-9', headers: { 'x-api-key': key } });

    for (let i = 0; i < 3; i++) expect((await readOn(gateway)).statusCode).toBe(200);
    await waitFor(async () => (await redis.get(counter)) === '3', 2000);
    expect((await readOn(second)).statusCode).toBe(200);

    // Counting alone, the second gateway would let three more through.
    await waitFor(async () => (await redis.get(counter)) === '4', 2000);
    expect((await readOn(second)).statusCode).toBe(429);
  });
});
