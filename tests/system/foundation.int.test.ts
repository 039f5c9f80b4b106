/**
 * The services and the gateway as real processes, started the way `deploy/services.sh`
 * starts them, on PostgreSQL, Kafka and a Redis of the test's own that it can stop.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { BROKERS, createTestDatabase, uniqueName, waitFor, type TestDatabase } from '../support';
import { freePort, startEntry, startRedis, stop, waitForStatus, type Started } from './processes';

jest.setTimeout(180_000);

const masterKey = `qm_test_${randomBytes(16).toString('hex')}`;
const started: Started[] = [];
let db: TestDatabase | undefined;
let redis: Started | undefined;
let redisPort = 0;
let gateway = '';

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${gateway}${path}`, {
    ...init,
    headers: { 'x-api-key': masterKey, ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

function postJson(path: string, body: string) {
  return call(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/**
 * Posts a body the gateway should refuse for its size. It may answer from the declared length
 * alone and close the connection without reading the body, so the body is sent only if no
 * answer came first: a client still writing when the socket closes would fail with EPIPE.
 */
function postOversized(path: string, body: string): ReturnType<typeof call> {
  return new Promise((done, fail) => {
    const req = request(`${gateway}${path}`, {
      method: 'POST',
      headers: {
        'x-api-key': masterKey,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    let answered = false;
    const sendBody = setTimeout(() => req.end(body), 2_000);
    req.on('response', (res) => {
      answered = true;
      clearTimeout(sendBody);
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        req.destroy();
        done({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', (err) => {
      if (!answered) fail(err);
    });
    req.flushHeaders();
  });
}

async function redisAnswers(port: number): Promise<true | undefined> {
  const { createConnection } = await import('node:net');
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(undefined));
  });
}

beforeAll(async () => {
  db = await createTestDatabase('system');
  redisPort = await freePort();
  redis = startRedis(redisPort);
  await waitFor('the private Redis', () => redisAnswers(redisPort));

  const [inventoryPort, forecastingPort, gatewayPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const common = {
    QM_DATABASE_URL: db.url,
    QM_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    QM_REDIS_PREFIX: `${uniqueName('system')}:`,
    QM_KAFKA_BROKERS: BROKERS.join(','),
    QM_KAFKA_TOPIC_PREFIX: `${uniqueName('system')}.`,
  };
  const services = [
    startEntry('inventory', 'services/inventory/src/server.ts', {
      ...common,
      QM_HTTP_PORT: String(inventoryPort),
    }),
    startEntry('forecasting', 'services/forecasting/src/server.ts', {
      ...common,
      QM_HTTP_PORT: String(forecastingPort),
      QM_FORECAST_WORKERS: '0',
    }),
  ];
  started.push(...services);
  const gatewayProcess = startEntry('gateway', 'gateway/src/server.ts', {
    ...common,
    QM_HTTP_PORT: String(gatewayPort),
    QM_MASTER_KEY: masterKey,
    QM_INVENTORY_URL: `http://127.0.0.1:${inventoryPort}`,
    QM_FORECASTING_URL: `http://127.0.0.1:${forecastingPort}`,
  });
  started.push(gatewayProcess);
  gateway = `http://127.0.0.1:${gatewayPort}`;

  await waitForStatus(`http://127.0.0.1:${inventoryPort}/readyz`, 200, services[0]);
  await waitForStatus(`http://127.0.0.1:${forecastingPort}/readyz`, 200, services[1]);
  await waitForStatus(`${gateway}/readyz`, 200, gatewayProcess);
});

afterAll(async () => {
  await Promise.all(started.map((s) => stop(s)));
  await stop(redis);
  await db?.drop();
});

describe('the services behind the gateway, as processes', () => {
  it('answer /healthz and /readyz through the gateway', async () => {
    for (const area of ['inventory', 'forecasts']) {
      const health = await call(`/v1/${area}/healthz`);
      expect(health.status).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await call(`/v1/${area}/readyz`);
      expect(ready.status).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', failing: [] });
    }
  });

  it('report 503 naming Redis while it is stopped, and recover when it is back', async () => {
    await stop(redis);
    const down = await waitFor('readiness to name redis', async () => {
      const res = await call('/v1/inventory/readyz');
      return res.status === 503 ? res.json() : undefined;
    });
    expect(down).toMatchObject({ status: 'unavailable', failing: ['redis'] });
    expect((await call('/readyz')).json()).toMatchObject({ failing: ['redis'] });
    expect((await call('/v1/inventory/healthz')).status).toBe(200);

    redis = startRedis(redisPort);
    for (const path of ['/v1/inventory/readyz', '/readyz']) {
      await waitFor(
        `${path} to recover`,
        async () => ((await call(path)).status === 200 ? true : undefined),
        30_000,
      );
    }
  });

  it('answer broken requests with the JSON error shape and stay up', async () => {
    const broken = [
      { status: 400, res: await postJson('/v1/forecasts', '{"horizon": 28, "series": [') },
      { status: 400, res: await postJson('/v1/forecasts', '') },
      {
        status: 400,
        res: await postJson(
          '/v1/forecasts',
          JSON.stringify({ horizon: 'seven', series: [{ id: 'A', values: [1, 2, 3] }] }),
        ),
        field: 'horizon',
      },
      {
        status: 413,
        // One byte over the 4 MiB the gateway lets through to inventory.
        res: await postOversized('/v1/inventory/policies', `"${'x'.repeat(4 * 1024 * 1024 - 1)}"`),
      },
      { status: 400, res: await call('/v1/inventory/stock/%E0%A4%A') },
    ];
    for (const { status, res, field } of broken) {
      expect(res.status).toBe(status);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: status });
      for (const key of ['code', 'error', 'message']) expect(typeof body[key]).toBe('string');
      if (field) expect(body.field).toBe(field);
      expect(res.text).not.toMatch(/\bat .*\.[jt]s:\d+/);
    }

    for (const area of ['inventory', 'forecasts']) {
      expect((await call(`/v1/${area}/healthz`)).status).toBe(200);
    }
    for (const s of started) expect(s.child.exitCode).toBeNull();
  });
});
