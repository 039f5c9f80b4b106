/**
 * The gateway of the latency benchmark, in a process of its own, in front of the service
 * at the URL given on the command line. It is composed as the gateway's `server.ts` does,
 * every check on: a real key from PostgreSQL (in a schema of its own, dropped at exit), its
 * scope, the rate limit shared through Redis, metrics and the access log (to /dev/null).
 * Sends `{ url, key }` to the parent once listening, answers `cpu` with its CPU time so
 * far, and cleans up on SIGTERM.
 */
import { join } from 'node:path';
import { createPool, createRedis, migrate } from '@qm/kit';
import { PgKeyStore } from '../../../gateway/src/adapters/key-store';
import { buildApp } from '../../../gateway/src/app';
import { readConfig } from '../../../gateway/src/config';
import { createKey } from '../../../gateway/src/domain/keys';
import { createGatewayLogger } from '../../../gateway/src/logger';

async function main(upstream: string): Promise<void> {
  const config = readConfig({ ...process.env, QM_SUPPORT_URL: upstream, QM_HTTP_PORT: '0' });
  const log = createGatewayLogger('info', '/dev/null');
  const schema = `gateway_bench_support_${process.pid}`;
  const dir = join(__dirname, '..', '..', '..', 'gateway', 'migrations');
  await migrate({ databaseUrl: config.QM_DATABASE_URL, schema, dir, log });
  const pool = createPool(config.QM_DATABASE_URL, log);
  const keys = new PgKeyStore(pool, schema);
  const { key } = await createKey(keys, {
    name: 'bench-support',
    scopes: ['support:write'],
    rateLimitPerMinute: 100_000_000,
    allowedOrigins: [],
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const redis = createRedis(config.QM_REDIS_URL, log, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 200,
  });
  const app = await buildApp({ config, log, keys, redis });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  process.once('SIGTERM', () => {
    void (async () => {
      await app.close();
      redis.disconnect();
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    })().finally(() => process.exit(0));
  });
  process.send?.({ url, key });
}

main(process.argv[2] ?? '').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
