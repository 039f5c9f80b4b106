import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Type } from '@sinclair/typebox';
import { createLogger, createServiceApp, loggerOptions, type ServiceApp } from '../src';

/** An app with one route that answers, one that fails, and a quiet one. */
async function appLogging(logger: Logger): Promise<ServiceApp> {
  const app = await createServiceApp({ name: 'lines', logger });
  app.get(
    '/v1/things/:id',
    { schema: { params: Type.Object({ id: Type.String() }) } },
    async (request) => ({ id: request.params.id }),
  );
  app.get('/v1/broken', async () => {
    throw new Error('broken');
  });
  app.get('/v1/quiet', { logLevel: 'silent' }, async () => ({ quiet: true }));
  return app;
}

/** The lines written to `file` once there are `count`, with the times (which differ) masked. */
async function linesOf(file: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  let lines: string[] = [];
  while (lines.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The file is opened asynchronously: until then there are no lines.
    lines = (existsSync(file) ? readFileSync(file, 'utf8') : '').split('\n').filter(Boolean);
  }
  return lines.map((line) =>
    line
      .replace(/"time":"[^"]+"/, '"time":"-"')
      .replace(/"responseTime":[0-9.e-]+/, '"responseTime":0'),
  );
}

async function requests(app: ServiceApp): Promise<void> {
  const headers = { host: 'shop.example', 'accept-version': '1' };
  await app.inject({ url: '/v1/things/a%20b?x=1', headers: { ...headers, 'x-request-id': 'r1' } });
  await app.inject({ url: '/v1/broken', headers: { 'x-request-id': 'r2' } });
  await app.inject({ url: '/v1/quiet', headers: { 'x-request-id': 'r3' } });
  await app.inject({ url: '/healthz', headers: { 'x-request-id': 'r4' } });
}

describe('request log lines', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qm-request-lines-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('are the lines pino writes for the same requests, built without its serializers', async () => {
    const built = join(dir, 'built.log');
    const generic = join(dir, 'generic.log');
    const kitLog = createLogger('lines', 'info', built);
    const plainLog = pino(loggerOptions('lines', 'info'), pino.destination({ dest: generic }));
    const apps = [await appLogging(kitLog), await appLogging(plainLog)];
    try {
      for (const app of apps) await requests(app);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }

    kitLog.flush();
    const text = await linesOf(built, 5);
    expect(text).toEqual(await linesOf(generic, 5));
    const lines = text.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => `${String(l.reqId)} ${String(l.msg)}`)).toEqual([
      'r1 incoming request',
      'r1 request completed',
      'r2 incoming request',
      'r2 request failed',
      'r2 request completed',
    ]);
    expect(lines[0]).toMatchObject({
      level: 30,
      service: 'lines',
      req: { method: 'GET', url: '/v1/things/a%20b?x=1', version: '1', host: 'shop.example' },
    });
  });
});
