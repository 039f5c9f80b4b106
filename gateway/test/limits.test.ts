import { createServiceApp, memoryLogger, type ServiceApp } from '@qm/kit';
import { OverloadedError } from '../src/plugins/limits';

describe('a request shed while the gateway is overloaded', () => {
  const { log, lines } = memoryLogger('warn');
  let app: ServiceApp;

  beforeAll(async () => {
    app = await createServiceApp({ name: 'gateway-test', logger: log });
    app.get('/shed', async () => {
      throw new OverloadedError();
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('is a 503 with Retry-After, logged at warn as a refusal rather than an error', async () => {
    const res = await app.inject('/shed');

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(lines.map((l) => [l.level, l.code])).toEqual([[40, 'OVERLOADED']]);
  });
});
