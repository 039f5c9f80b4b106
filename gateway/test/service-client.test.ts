import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { BUFFERED_ANSWER_BYTES } from '../src/adapters/service-client';
import { forwardedHeaders } from '../src/routes/proxy';
import { buildTestGateway, MASTER } from './support/gateway';

type Behaviour = (req: IncomingMessage, res: ServerResponse, nth: number) => void;

/** A bare HTTP service whose answers each test sets, counting the requests it gets. */
async function startService(): Promise<{
  server: Server;
  url: string;
  set(b: Behaviour): void;
  seen(): number;
}> {
  let behaviour: Behaviour = (_req, res) => res.end('{}');
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    req.resume();
    req.once('end', () => behaviour(req, res, count));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (b) => {
      behaviour = b;
      count = 0;
    },
    seen: () => count,
  };
}

describe('calls to a service', () => {
  let service: Awaited<ReturnType<typeof startService>>;
  let gateway: FastifyInstance;
  const call = (method: 'GET' | 'POST' = 'GET') =>
    gateway.inject({
      method,
      url: '/v1/inventory/items/SKU-1',
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      ...(method === 'POST' ? { payload: '{"quantity":1}' } : {}),
    });

  beforeAll(async () => {
    service = await startService();
    ({ app: gateway } = await buildTestGateway({
      QM_INVENTORY_URL: service.url,
      QM_UPSTREAM_TIMEOUT_MS: '300',
      QM_BREAKER_FAILURES: '100',
    }));
  });

  afterAll(async () => {
    await gateway.close();
    service.server.closeAllConnections();
    await new Promise((resolve) => service.server.close(resolve));
  });

  it("passes on the service's status, headers and a short body", async () => {
    service.set((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-stock-version': '7' });
      res.end('{"ok":true}');
    });
    const response = await call();
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-stock-version']).toBe('7');
    expect(response.headers['content-length']).toBe('11');
    expect(response.json()).toEqual({ ok: true });
  });

  it.each([
    ['of a length it announces', true],
    ['of a length it does not announce', false],
  ])('passes on a long body %s whole and in order', async (_how, announced) => {
    const body = Buffer.alloc(BUFFERED_ANSWER_BYTES * 3 + 5);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    service.set((_req, res) => {
      const length = announced ? { 'content-length': String(body.length) } : {};
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...length });
      res.end(body);
    });
    const response = await call();
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(body)).toBe(true);
  });

  it('retries a read once on a connection the service reset', async () => {
    service.set((req, res, nth) => {
      if (nth === 1) req.socket.destroy();
      else res.end('{"n":2}');
    });
    const response = await call();
    expect(response.statusCode).toBe(200);
    expect(service.seen()).toBe(2);
  });

  it('does not retry a write on a connection the service reset', async () => {
    service.set((req) => req.socket.destroy());
    const response = await call('POST');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(service.seen()).toBe(1);
  });

  it('answers 504 naming the service when it does not answer in time', async () => {
    service.set((_req, res) => {
      setTimeout(() => res.end('{}'), 1000).unref();
    });
    const response = await call();
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      message: 'inventory did not answer in time',
    });
  });
});

describe('forwardedHeaders', () => {
  it('drops the key, the host, hop-by-hop headers and those the Connection header names', () => {
    const headers = forwardedHeaders(
      {
        host: 'gateway',
        'x-api-key': 'secret',
        authorization: 'Bearer secret',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'content-type': 'application/json',
        'x-request-id': 'from-caller',
        accept: 'application/json',
      },
      'req-1',
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-request-id': 'req-1',
    });
  });
});
