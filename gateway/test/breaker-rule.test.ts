import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildTestGateway, MASTER } from './support/gateway';

/**
 * A pricing service that is healthy but answers some calls slowly, sheds some with a 503
 * and `Retry-After`, and fails some with a 500, by path.
 */
function startPricing(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const answer = (status: number, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end('{}');
    if (request.url?.startsWith('/v1/pricing/slow')) setTimeout(() => answer(200), 3000).unref();
    else if (request.url?.startsWith('/v1/pricing/shed')) answer(503, { 'retry-after': '1' });
    else if (request.url?.startsWith('/v1/pricing/broken')) answer(500);
    else if (request.url === '/readyz') answer(503);
    else answer(200);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe('what opens the circuit', () => {
  let pricing: { server: Server; url: string };
  let gateway: FastifyInstance;
  const call = (path: string) =>
    gateway.inject({ url: `/v1/pricing/${path}`, headers: { 'x-api-key': MASTER } });

  beforeEach(async () => {
    pricing = await startPricing();
    ({ app: gateway } = await buildTestGateway({
      QM_PRICING_URL: pricing.url,
      QM_UPSTREAM_TIMEOUT_MS: '300',
    }));
  });

  afterEach(async () => {
    await gateway.close();
    pricing.server.closeAllConnections();
    await new Promise((resolve) => pricing.server.close(resolve));
  });

  it('keeps the circuit closed for other callers when parallel long calls time out', async () => {
    const slow = await Promise.all(Array.from({ length: 8 }, (_, i) => call(`slow/${i}`)));
    expect(slow.map((r) => r.statusCode)).toEqual(Array(8).fill(504));

    expect((await call('quick/1')).statusCode).toBe(200);
  });

  it('keeps the circuit closed when the service sheds load with 503 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const shed = await call(`shed/${i}`);
      expect(shed.statusCode).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
    }
    expect((await call('quick/1')).statusCode).toBe(200);
  });

  it('neither opens the circuit on a not-ready answer nor refuses the probe if open', async () => {
    const probe = () =>
      gateway.inject({ url: '/v1/pricing/readyz', headers: { 'x-api-key': MASTER } });
    for (let i = 0; i < 5; i++) expect((await probe()).statusCode).toBe(503);
    expect((await call('quick/1')).statusCode).toBe(200);

    for (let i = 0; i < 3; i++) await call(`broken/${i}`);
    expect((await call('quick/2')).json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // The service's own answer still comes through.
    expect((await probe()).body).toBe('{}');
  });

  it('opens the circuit after repeated 500s and then refuses at once', async () => {
    for (let i = 0; i < 3; i++) expect((await call(`broken/${i}`)).statusCode).toBe(500);

    const refused = await call('quick/1');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
