import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadOnlineRetail, resolveDataDir } from '@qm/datasets';
import { createLogger, createRedis } from '@qm/kit';
import { LiveStore } from '../src/adapters/live';
import { type InteractionStore } from '../src/adapters/store';
import { buildApp } from '../src/app';
import { type Interaction } from '../src/domain/types';
import { createRecommendations } from '../src/recommendations';

/** A read-only store over Online Retail purchases, so the bench needs no database. */
async function retailStore(): Promise<InteractionStore> {
  const lines = await loadOnlineRetail(resolveDataDir(process.env.QM_DATA_DIR));
  const interactions: Interaction[] = lines
    .filter((l) => !l.cancelled && l.quantity > 0 && l.customerId !== '')
    .map((l) => ({
      userId: l.customerId,
      itemId: l.stockCode,
      at: l.invoiceDate.getTime(),
      kind: 'purchase',
      basketId: l.invoiceNo,
    }));
  return {
    record: async () => [],
    upsertProducts: async () => undefined,
    load: async () => ({ interactions, products: [] }),
  };
}

interface CannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
  non2xx: number;
}

/** autocannon in its own process, so the load generator does not share the server's loop. */
async function cannon(url: string, rate: number, seconds: number): Promise<CannonResult> {
  const cli = require.resolve('autocannon');
  const args = [cli, '-j', '-c', '10', '-R', String(rate), '-d', String(seconds), url];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as CannonResult;
}

/** Serves a cached user list at a fixed rate over HTTP and prints latency percentiles. */
export async function benchLatency(rate = 1000, seconds = 10): Promise<void> {
  const log = createLogger('recommendations-bench', 'warn');
  const prefix = `bench:recs:${process.pid}:`;
  const redis = createRedis(process.env.QM_REDIS_URL ?? 'redis://127.0.0.1:6379', log);
  const recs = createRecommendations({
    store: await retailStore(),
    live: new LiveStore(redis, prefix, 300, 50),
    log,
    historyDays: 3650,
    snapshotOptions: { user: { factors: 0 } },
  });
  await recs.retrain();
  const app = await buildApp({ recommendations: recs, log });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${address}/v1/recommendations/users/17850?limit=10`;
    const miss = Date.now();
    await fetch(url);
    const missMs = Date.now() - miss;
    await fetch(url);
    const result = await cannon(url, rate, seconds);
    console.log(
      `Latency, cached user list over HTTP (${rate} req/s offered, ${seconds} s, 10 connections):` +
        ` p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms,` +
        ` ${result.requests.average.toFixed(0)} req/s, ${result.non2xx} non-2xx,` +
        ` first (uncached) call ${missMs} ms`,
    );
    // The floor of this machine at the moment: the same load on a route that does nothing.
    const floor = await cannon(`${address}/healthz`, rate, Math.min(5, seconds));
    console.log(
      `  floor, /healthz at the same rate: p50 ${floor.latency.p50} ms, p99 ${floor.latency.p99} ms`,
    );
  } finally {
    await app.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

if (require.main === module) {
  benchLatency().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
