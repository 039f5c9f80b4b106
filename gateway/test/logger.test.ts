import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayLoggers } from '../src/logger';

async function waitForLines(file: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
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

  it('write the lines of both loggers in order, within a second, redacting only the log', async () => {
    const file = join(dir, 'gateway.log');
    const { log, access } = createGatewayLoggers('info', file);
    log.info({ req: { headers: { 'x-api-key': 'secret' } } }, 'first');
    access.info({ reqId: 'r1', key: 'shop' }, 'request completed');
    log.warn('third');

    const lines = (await waitForLines(file, 3)).map((line) => JSON.parse(line));
    expect(lines.map((l) => l.msg)).toEqual(['first', 'request completed', 'third']);
    expect(lines[0]).toMatchObject({ service: 'gateway' });
    expect(lines[0].req.headers['x-api-key']).toBe('[redacted]');
    expect(lines[1]).toMatchObject({ service: 'gateway', reqId: 'r1', key: 'shop' });
  });
});
