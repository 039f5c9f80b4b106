/**
 * The gateway's overhead: the same call measured direct to a tiny upstream and through the
 * gateway (key check, scope check, Redis rate limit, access log on), with autocannon.
 * Upstream, gateway and load generator run as separate processes. A bare reply-from proxy
 * is measured too, to tell the cost of one proxy hop from the cost of the gateway's checks.
 *
 *   pnpm bench:gateway            (BENCH_SECONDS, BENCH_CONNECTIONS to change the load)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';
import pino from 'pino';
import { createPool, createRedis, migrate } from '@qm/kit';
import { PgKeyStore } from '../src/adapters/key-store';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { createKey } from '../src/domain/keys';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PATH = '/v1/inventory/items/SKU-1';

async function runUpstream(): Promise<string> {
  const app = Fastify({ logger: false });
  app.get('/v1/inventory/items/:id', async (request) => ({
    sku: (request.params as { id: string }).id,
    onHand: 42,
  }));
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** A bare reply-from proxy with no checks: the floor any Node proxy hop costs here. */
async function runBareProxy(upstream: string): Promise<string> {
  const app = Fastify({ logger: false });
  await app.register(replyFrom, { base: upstream, undici: { connections: 128, pipelining: 1 } });
  app.get('/*', (request, reply) => {
    void reply.from(request.url);
  });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

async function runGateway(upstream: string): Promise<{ url: string; key: string }> {
  const config = readConfig({ ...process.env, QM_INVENTORY_URL: upstream, QM_HTTP_PORT: '0' });
  const log = pino({ level: config.QM_LOG_LEVEL }, pino.destination('/dev/null'));
  const dir = join(__dirname, '..', 'migrations');
  await migrate({ databaseUrl: config.QM_DATABASE_URL, schema: 'gateway', dir, log });
  const pool = createPool(config.QM_DATABASE_URL, log);
  const store = new PgKeyStore(pool);
  const { key, record } = await createKey(store, {
    name: 'bench',
    scopes: ['inventory:read'],
    rateLimitPerMinute: 100_000_000,
    allowedOrigins: [],
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const redis = createRedis(config.QM_REDIS_URL, log, { enableOfflineQueue: false });
  const app = await buildApp({ config, log, keys: store, redis });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.once('SIGTERM', () => {
    void store.revoke(record.id, new Date()).finally(() => process.exit(0));
  });
  return { url, key };
}

/** Runs one role in a child process and resolves with what it reports once listening. */
function child<T>(role: string, arg = ''): Promise<{ proc: ChildProcess; info: T }> {
  const proc = fork(__filename, [role, arg], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    proc.once('message', (info) => resolve({ proc, info: info as T }));
    proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({
    url: url + PATH,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

function line(label: string, f: Figures): string {
  return `${label.padEnd(16)} ${f.rps.toFixed(0).padStart(8)} req/s   p50 ${f.p50} ms   p99 ${f.p99} ms   errors ${f.errors}`;
}

async function main(): Promise<void> {
  const upstream = await child<string>('upstream');
  let gateway: { proc: ChildProcess; info: { url: string; key: string } } | undefined;
  let bare: { proc: ChildProcess; info: string } | undefined;
  try {
    bare = await child<string>('bare', upstream.info);
    gateway = await child<{ url: string; key: string }>('gateway', upstream.info);
    const headers = { 'x-api-key': gateway.info.key };

    // Warm both paths (JIT, connection pools, key cache) before measuring.
    await load(upstream.info, {}, 2);
    await load(bare.info, {}, 2);
    await load(gateway.info.url, headers, 2);
    const direct = await load(upstream.info, {}, SECONDS);
    const bareProxy = await load(bare.info, {}, SECONDS);
    const through = await load(gateway.info.url, headers, SECONDS);

    const ratio = through.rps / direct.rps;
    const added = through.p99 - direct.p99;
    // Figures on a shared machine depend on what else runs: say how busy it was.
    const busy = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s each, GET ${PATH}`);
    console.log(`${cpus().length} cores, load average ${busy}`);
    console.log(line('direct', direct));
    console.log(line('bare proxy', bareProxy));
    console.log(line('through gateway', through));
    console.log(
      `gateway adds ${added} ms at p99 (target <= 1) and keeps ${(ratio * 100).toFixed(0)}% ` +
        `of direct throughput (target >= 70%): ${added <= 1 && ratio >= 0.7 ? 'met' : 'NOT met'}`,
    );
  } finally {
    gateway?.proc.kill();
    bare?.proc.kill();
    upstream.proc.kill();
  }
}

const [role, arg] = process.argv.slice(2);
if (role === 'upstream') {
  void runUpstream().then((url) => process.send?.(url));
} else if (role === 'bare') {
  void runBareProxy(arg).then((url) => process.send?.(url));
} else if (role === 'gateway') {
  void runGateway(arg).then((info) => process.send?.(info));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
