/**
 * The processes of the latency benchmark, each started in a child process of its own by
 * `latency.ts` (role and argument on the command line): the recommendations service over
 * Online Retail, the gateway in front of it and the load generator. Each sends what the
 * parent needs once ready, answers `cpu` with its CPU time so far, and cleans up on SIGTERM.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, createRedis } from '@qm/kit';
import { startBenchGateway } from '../../../gateway/bench/front';
import { figures, pace } from '../../../gateway/bench/pace';
import { workerSnapshotBuilder } from '../src/adapters/build-worker';
import { LiveStore } from '../src/adapters/live';
import { buildApp } from '../src/app';
import { readConfig } from '../src/config';
import {
  createRecommendations,
  inProcessBuilder,
  type Recommendations,
} from '../src/recommendations';
import { retailStore } from './retail-data';
import { onTerm, runRole } from '../../../gateway/bench/processes';

/** Twice the 1,000 calls a second offered: the limiter counts every call and refuses none. */
const RATE_LIMIT_PER_MINUTE = 120_000;

/** What the service answers a `rebuild` message with, once the rebuild is in. */
export interface RebuildFigures {
  ms: number;
  /** The longest the event loop went without a turn during the rebuild. */
  maxDelayMs: number;
}

/**
 * Rebuilds while the event loop's delay is recorded. The histogram counts a stall when its
 * timer next fires, and only from its second firing on: it is started a moment before the
 * rebuild, and read a moment after.
 */
async function timedRebuild(recommendations: Recommendations): Promise<RebuildFigures> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(20);
  const started = performance.now();
  await recommendations.retrain();
  const ms = performance.now() - started;
  await sleep(20);
  delay.disable();
  return { ms, maxDelayMs: delay.max / 1e6 };
}

/**
 * The recommendations app composed as its `server.ts` does (models rebuilt in a worker
 * thread, Redis cache and live events, request logging), over every Online Retail purchase
 * instead of PostgreSQL and without Kafka; `in-process` rebuilds on the event loop instead,
 * for comparison. Its Redis keys carry a prefix of their own, deleted on exit. A `rebuild`
 * message rebuilds the models and answers with `RebuildFigures`.
 */
async function service(
  builderName: string,
): Promise<{ url: string; users: string[]; buildMs: number }> {
  const config = readConfig();
  // The production logger at info level, written to /dev/null.
  const log = createLogger('recommendations', 'info', '/dev/null');
  const redis = createRedis(config.QM_REDIS_URL, log);
  const prefix = `${config.QM_REDIS_PREFIX}bench-recs-${process.pid}:`;
  const data = await retailStore();
  const builder = builderName === 'in-process' ? inProcessBuilder : workerSnapshotBuilder();
  const recommendations = createRecommendations({
    store: data.store,
    live: new LiveStore(redis, prefix, config.QM_CACHE_TTL_SECONDS, config.QM_RECS_RECENT_EVENTS),
    log,
    historyDays: config.QM_RECS_HISTORY_DAYS,
    builder,
  });
  const first = await timedRebuild(recommendations);
  const app = await buildApp({ recommendations, log });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (message) => {
    if (message !== 'rebuild') return;
    timedRebuild(recommendations).then(
      (rebuilt) => process.send?.({ rebuilt }),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  onTerm(async () => {
    await builder.close?.();
    await app.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { url, users: data.customers, buildMs: first.ms };
}

/** The gateway with every check on (`gateway/bench/front.ts`), in front of the service. */
async function gateway(upstream: string): Promise<{ url: string; key: string }> {
  const front = await startBenchGateway({
    name: 'recs',
    env: { QM_RECOMMENDATIONS_URL: upstream },
    scopes: ['recommendations:read'],
    rateLimitPerMinute: RATE_LIMIT_PER_MINUTE,
  });
  onTerm(() => front.close());
  return { url: front.url, key: front.key };
}

/** What the parent asks the load generator to offer. */
export interface LoadRequest {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  seconds: number;
  rate: number;
  connections: number;
}

/**
 * The load generator in a process of its own: the parent holds the data sets of the quality
 * benches, and collecting that heap would stall the clock of every call in flight. The load
 * is open-loop at a steady rate (`gateway/bench/pace.ts`), cycling through the paths.
 */
async function loader(): Promise<string> {
  process.on('message', (message: { load?: LoadRequest }) => {
    const run = message.load;
    if (run === undefined) return;
    void pace({
      url: run.url,
      headers: run.headers,
      rate: run.rate,
      seconds: run.seconds,
      connections: run.connections,
      call: (k) => ({ path: run.paths[k % run.paths.length] }),
    }).then((result) => process.send?.({ result: figures(result, run.seconds) }));
  });
  onTerm(async () => undefined);
  return 'ready';
}

const ROLES: Record<string, (arg: string) => Promise<unknown>> = { service, gateway, loader };

runRole(ROLES);
