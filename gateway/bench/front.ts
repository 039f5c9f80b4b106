import { join } from 'node:path';
import { createPool, createRedis, dropKeys, migrate } from '@qm/kit';
import { PgKeyStore } from '../src/adapters/key-store';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import { createKey } from '../src/domain/keys';
import type { Scope } from '../src/domain/scopes';
import { createGatewayLoggers } from '../src/logger';

export interface BenchGatewayOptions {
  /** Names the key and the schema, e.g. `fraud`. */
  name: string;
  /** Settings over the environment's, such as the upstream URL (`QM_FRAUD_URL`). */
  env: Record<string, string>;
  scopes: Scope[];
  /** High by default, so the limit is counted on every call but never refuses one. */
  rateLimitPerMinute?: number;
}

export interface BenchGateway {
  url: string;
  key: string;
  /** Stops the gateway and drops its schema with the key in it. */
  close(): Promise<void>;
}

/**
 * A gateway for the benchmarks, composed as `server.ts` composes it with every check on: a
 * real key looked up in PostgreSQL (in a schema of its own), its scope, the rate limit
 * shared through Redis, metrics and the access log (written to /dev/null).
 */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  const env = { ...process.env, ...options.env, QM_HTTP_PORT: '0' };
  const base = readConfig(env);
  // Rate-limit counts go under a prefix of this run's own, removed by `close`.
  const prefix = `${base.QM_REDIS_PREFIX}bench-gateway-${options.name}-${process.pid}:`;
  const config = readConfig({ ...env, QM_REDIS_PREFIX: prefix });
  const { log, access } = createGatewayLoggers('info', '/dev/null');
  const schema = `gateway_bench_${options.name.replace(/\W/g, '_')}_${process.pid}`;
  const dir = join(__dirname, '..', 'migrations');
  await migrate({ databaseUrl: config.QM_DATABASE_URL, schema, dir, log });

  const pool = createPool(config.QM_DATABASE_URL, log);
  const keys = new PgKeyStore(pool, schema);
  const { key } = await createKey(keys, {
    name: `bench-${options.name}`,
    scopes: options.scopes,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000_000,
    allowedOrigins: [],
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const redis = createRedis(config.QM_REDIS_URL, log, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 200,
  });
  const app = await buildApp({ config, log, accessLog: access, keys, redis });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  return {
    url,
    key,
    async close() {
      await app.close();
      await dropKeys(redis, `${prefix}*`);
      redis.disconnect();
      await pool.query(`drop schema if exists "${schema}" cascade`);
      await pool.end();
    },
  };
}
