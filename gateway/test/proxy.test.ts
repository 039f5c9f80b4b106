import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { ServiceApp } from '@qm/kit';
import { startStubService } from './support/fakes';
import { accessLogVia } from '../src/logger';
import { buildTestGateway, createKey, MASTER } from './support/gateway';

describe('gateway proxying', () => {
  let inventory: { app: ServiceApp; url: string };
  let fraud: { app: ServiceApp; url: string };
  let gateway: FastifyInstance;
  let warehouseKey: string;
  const accessLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    inventory = await startStubService('inventory');
    fraud = await startStubService('fraud');
    const access = pino({ level: 'info' }, { write: (line) => accessLines.push(JSON.parse(line)) });
    ({ app: gateway } = await buildTestGateway(
      { QM_INVENTORY_URL: inventory.url, QM_FRAUD_URL: fraud.url },
      { accessLog: accessLogVia(access) },
    ));
    ({ key: warehouseKey } = await createKey(gateway, {
      name: 'warehouse',
      scopes: ['inventory:read', 'fraud:score'],
    }));
  });

  afterAll(async () => {
    await gateway.close();
    await inventory.app.close();
    await fraud.app.close();
  });

  it('answers each service health probe through the gateway without a key', async () => {
    const response = await gateway.inject({ url: '/v1/inventory/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('forwards a call with the request id and without the API key', async () => {
    const response = await gateway.inject({
      url: '/v1/inventory/items/SKU-1?warehouse=north',
      headers: { 'x-api-key': warehouseKey, 'x-request-id': 'req-42' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('req-42');
    expect(response.json()).toMatchObject({
      service: 'inventory',
      id: 'SKU-1',
      url: '/v1/inventory/items/SKU-1?warehouse=north',
      requestId: 'req-42',
      sawKey: false,
    });
  });

  it('writes one access-log line per call with its key name but never the key', async () => {
    accessLines.length = 0;
    await gateway.inject({
      url: '/v1/inventory/items/SKU-3',
      headers: { 'x-api-key': warehouseKey, 'x-request-id': 'req-log' },
    });
    expect(accessLines).toHaveLength(1);
    expect(accessLines[0]).toMatchObject({
      reqId: 'req-log',
      key: 'warehouse',
      method: 'GET',
      route: '/v1/inventory/items/{id}',
      upstream: 'inventory',
      status: 200,
      msg: 'request completed',
    });
    expect(typeof accessLines[0].ms).toBe('number');
    expect(JSON.stringify(accessLines)).not.toContain(warehouseKey);
  });

  it('makes a request id when the caller sends none and passes it to the service', async () => {
    const response = await gateway.inject({
      url: '/v1/inventory/items/SKU-1',
      headers: { authorization: `Bearer ${warehouseKey}` },
    });
    expect(response.statusCode).toBe(200);
    const id = response.headers['x-request-id'];
    expect(typeof id).toBe('string');
    expect(response.json().requestId).toBe(id);
  });

  it('delivers a percent-encoded Unicode id to the service decoded', async () => {
    const response = await gateway.inject({
      url: '/v1/inventory/items/%E2%82%AC%20caf%C3%A9',
      headers: { 'x-api-key': warehouseKey },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe('€ café');
  });

  it('answers invalid percent-encoding with a JSON 400', async () => {
    const response = await gateway.inject({
      url: '/v1/inventory/items/%E2%82',
      headers: { 'x-api-key': warehouseKey },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'BAD_PATH' });
  });

  it('answers an over-long id with a JSON 400', async () => {
    const response = await gateway.inject({
      url: `/v1/inventory/items/${'x'.repeat(300)}`,
      headers: { 'x-api-key': warehouseKey },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('BAD_PATH');
    expect(response.json().message).toMatch(/longer than 256/);
  });

  it('refuses a body over the route limit with a JSON 413', async () => {
    const response = await gateway.inject({
      method: 'POST',
      url: '/v1/fraud/items/T1',
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      payload: JSON.stringify({ blob: 'x'.repeat(70 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('forwards a JSON body within the limit unchanged', async () => {
    const payload = JSON.stringify({ amount: 12.5 });
    const response = await gateway.inject({
      method: 'POST',
      url: '/v1/fraud/items/T1',
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().bodyBytes).toBe(payload.length);
  });

  it('exports per-route and per-service latency in /metrics', async () => {
    await gateway.inject({ url: '/v1/inventory/items/SKU-7', headers: { 'x-api-key': MASTER } });
    const metrics = (await gateway.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      new RegExp(
        String.raw`gateway_request_duration_seconds_count\{[^}]*method="GET",` +
          String.raw`route="\/v1\/inventory\/items\/\{id\}",status="200"[^}]*\} [1-9]`,
      ),
    );
    expect(metrics).toMatch(
      new RegExp(
        String.raw`gateway_upstream_duration_seconds_count\{[^}]*` +
          String.raw`upstream="inventory",status="200"[^}]*\} [1-9]`,
      ),
    );
  });

  it('answers 503 naming a stopped service while another still answers', async () => {
    await fraud.app.close();

    const down = await gateway.inject({
      url: '/v1/fraud/items/T1',
      headers: { 'x-api-key': MASTER },
    });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'fraud is unavailable',
    });

    const up = await gateway.inject({
      url: '/v1/inventory/items/SKU-1',
      headers: { 'x-api-key': MASTER },
    });
    expect(up.statusCode).toBe(200);
  });

  it('opens the circuit after repeated failures and then refuses without calling', async () => {
    for (let i = 0; i < 3; i++) {
      await gateway.inject({ url: '/v1/fraud/items/T1', headers: { 'x-api-key': MASTER } });
    }
    const metricsBefore = (await gateway.inject({ url: '/metrics' })).body;
    const response = await gateway.inject({
      url: '/v1/fraud/items/T1',
      headers: { 'x-api-key': MASTER },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().details).toEqual({ service: 'fraud' });
    const metricsAfter = (await gateway.inject({ url: '/metrics' })).body;
    const open =
      /gateway_upstream_errors_total\{upstream="fraud",reason="circuit_open"[^}]*\} (\d+)/;
    expect(Number(open.exec(metricsAfter)?.[1])).toBe(
      Number(open.exec(metricsBefore)?.[1] ?? 0) + 1,
    );
  });
});
