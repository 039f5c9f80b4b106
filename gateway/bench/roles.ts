/**
 * The processes of the gateway benchmark, each started in a child process of its own by
 * `proxy.ts` (role and argument on the command line). Each prints nothing, sends its URL to
 * the parent once listening, answers `cpu` with its CPU time so far, and cleans up on
 * SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import replyFrom from '@fastify/reply-from';
import pino, { type Logger } from 'pino';
import { Cache, createPool, createRedis, loggerOptions, migrate } from '@qm/kit';
import {
  buildApp as buildInventoryApp,
  createInventory,
  createStore,
} from '../../services/inventory/src';
import { readConfig } from '../src/config';
import { startBenchGateway } from './front';
import { onTerm, runRole } from './processes';

// Of this run alone, so two runs at once do not share rows.
const INVENTORY_SCHEMA = `inventory_bench_${process.pid}`;

/**
 * PostgreSQL server processes serving this process's pool, with the CPU time each had used
 * when last read (a process that has exited keeps its last figure).
 */
const backends = new Map<number, number>();

/** CPU time (user + system, µs) a backend has used, from /proc (clock ticks of 10 ms). */
function cpuOfBackend(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    backends.set(pid, (Number(fields[11]) + Number(fields[12])) * 10_000);
  } catch {
    // Gone: its last figure stands.
  }
  return backends.get(pid) ?? 0;
}

/** A service's production log settings at info level, written to /dev/null. */
function quietLog(service: string): Logger {
  return pino(loggerOptions(service, 'info'), pino.destination('/dev/null'));
}

/** The floor: a Fastify route that answers a constant item without touching anything. */
async function trivialUpstream(): Promise<string> {
  const app = Fastify({ logger: false });
  app.get('/v1/inventory/items/:id', async (request) => ({
    sku: (request.params as { id: string }).id,
    onHand: 42,
  }));
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/**
 * The real inventory service app, composed as its `server.ts` does (kit app, PostgreSQL pool,
 * Redis cache, request logging) but without Kafka, in a schema of its own holding one item
 * (`sku`) with stock.
 */
async function inventoryService(sku: string): Promise<string> {
  const config = readConfig();
  const log = quietLog('inventory');
  const dir = join(__dirname, '..', '..', 'services', 'inventory', 'migrations');
  await migrate({ databaseUrl: config.QM_DATABASE_URL, schema: INVENTORY_SCHEMA, dir, log });
  const pool = createPool(config.QM_DATABASE_URL, log);
  pool.on('connect', (client) => {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid !== undefined) backends.set(pid, 0);
  });
  const redis = createRedis(config.QM_REDIS_URL, log);
  const inventory = createInventory({
    pool,
    store: createStore(INVENTORY_SCHEMA),
    log,
    signalTopic: 'bench-restock-signals',
    defaultWarehouse: 'main',
    openingStock: 0,
  });
  // Applied once by event id, so a second run finds the same stock.
  await inventory.applyMovements([
    { eventId: 'bench-receipt', sku, kind: 'RECEIPT', quantity: 120, occurredAt: new Date() },
  ]);
  const cache = new Cache(redis, `${config.QM_REDIS_PREFIX}inventory-bench:`, 5);
  const app = await buildInventoryApp({ inventory, log, cache });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  onTerm(async () => {
    await app.close();
    redis.disconnect();
    await pool.query(`drop schema if exists "${INVENTORY_SCHEMA}" cascade`);
    await pool.end();
  });
  return url;
}

/** A bare reply-from proxy with no checks: the floor any Node proxy hop costs here. */
async function bareProxy(upstream: string): Promise<string> {
  const app = Fastify({ logger: false });
  await app.register(replyFrom, { base: upstream, undici: { connections: 128, pipelining: 1 } });
  app.get('/*', (request, reply) => {
    void reply.from(request.url);
  });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Answers one forwarded call: status and headers at once, the body as it comes. */
class RawAnswer implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}

  onRequestStart(): void {
    // Nothing to keep: the call is never aborted.
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    delete headers.connection;
    delete headers['keep-alive'];
    delete headers['transfer-encoding'];
    this.res.writeHead(status, headers);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.res.write(chunk);
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, _error: Error): void {
    if (!this.res.headersSent) this.res.writeHead(502);
    this.res.end();
  }
}

/**
 * The least a Node proxy hop can cost: Node's HTTP server handing each call to an undici
 * pool, no framework and no checks.
 */
async function rawProxy(upstream: string): Promise<string> {
  const pool = new Pool(upstream, { connections: 128, pipelining: 1 });
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers.host;
    pool.dispatch(
      { method: req.method as Dispatcher.HttpMethod, path: req.url ?? '/', headers },
      new RawAnswer(res),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The gateway with every check on, composed as its `server.ts` does (see `front.ts`). */
async function gateway(upstream: string): Promise<{ url: string; key: string }> {
  const front = await startBenchGateway({
    name: 'inventory',
    env: { QM_INVENTORY_URL: upstream },
    scopes: ['inventory:read'],
  });
  onTerm(() => front.close());
  return { url: front.url, key: front.key };
}

const ROLES: Record<string, (arg: string) => Promise<unknown>> = {
  trivial: trivialUpstream,
  inventory: inventoryService,
  bare: bareProxy,
  raw: rawProxy,
  gateway,
};

// The inventory service adds the CPU time of the PostgreSQL processes serving its queries.
runRole(ROLES, () =>
  backends.size > 0
    ? [...backends.keys()].reduce((sum, pid) => sum + cpuOfBackend(pid), 0)
    : undefined,
);
