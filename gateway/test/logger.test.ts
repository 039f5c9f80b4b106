import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayLoggers } from '../src/logger';

async function waitForLines(file: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    // The file is opened asynchronously: until then there are no lines.
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const lines = text.split('\n').filter(Boolean);
    if (lines.length >= count || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the gateway loggers', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-log-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('write log and access lines in order, in one shape, within a second', async () => {
    const file = join(dir, 'gateway.log');
    const { log, access } = createGatewayLoggers('info', file);
    log.info({ req: { headers: { 'x-api-key': 'secret' } } }, 'first');
    access({
      reqId: 'r1',
      key: 'shop "quoted"',
      method: 'GET',
      route: '/v1/inventory/stock/{sku}',
      upstream: 'inventory',
      status: 200,
      ms: 1.25,
    });
    log.warn('third');

    const lines = (await waitForLines(file, 3)).map((line) => JSON.parse(line));
    expect(lines.map((l) => l.msg)).toEqual(['first', 'request completed', 'third']);
    expect(lines[0]).toMatchObject({ service: 'gateway' });
    expect(lines[0].req.headers['x-api-key']).toBe('[redacted]');
    expect(lines[1]).toEqual({
      level: 30,
      time: expect.any(String),
      service: 'gateway',
      reqId: 'r1',
      key: 'shop "quoted"',
      method: 'GET',
      route: '/v1/inventory/stock/{sku}',
      upstream: 'inventory',
      status: 200,
      ms: 1.25,
      msg: 'request completed',
    });
    expect(Date.parse(lines[1].time)).not.toBeNaN();
    // The same shape as pino's own lines: level, time and the bindings first.
    expect(Object.keys(lines[1]).slice(0, 3)).toEqual(Object.keys(lines[2]).slice(0, 3));
  });
});
