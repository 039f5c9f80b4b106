/**
 * The latency part of `pnpm bench:fraud`: the fraud service and the gateway in front of it,
 * each in a process of its own (`roles.ts`), loaded at a fixed rate through the gateway and
 * direct, in turns, so drifting load from other work on the machine hits both alike.
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadFraudPurchases } from '@qm/datasets';
import { inTimeOrder, purchaseToOrder } from '../src/training/replay';
import { figures, pace } from '../../../gateway/bench/pace';
import {
  cpuMeter,
  serverNodeFlags,
  startChild,
  stopChildren,
  type BenchTarget as Target,
} from '../../../gateway/bench/processes';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REDIS_URL = process.env.QM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 10 * 60_000;
const WARM_SECONDS = 3;
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

const ms = (x: number) => x.toFixed(1);

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  failed: number;
  /** CPU time per call (user + system, µs) of each process serving it, by name. */
  cpu: Record<string, number>;
}

/** Starts a role of `roles.ts` in its own process; resolves with what it sends once ready. */
function child<T>(role: string, arg: string, started: ChildProcess[]): Promise<T> {
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  return startChild<T>(join(__dirname, 'roles.ts'), [role, arg], started, [
    ...serverNodeFlags(),
    ...profile,
  ]);
}

/** Waits for `/readyz`: on a first start without an artefact the service trains first. */
async function waitReady(base: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/readyz`).catch(() => undefined);
    if (res?.ok) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('service not ready in time');
}

/** Script calls and the time Redis spent in them, over every client of the shared Redis. */
async function scriptStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  const line = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
  return { calls: Number(line?.[1] ?? 0), usec: Number(line?.[2] ?? 0) };
}

/** Prints the latency of `POST /v1/fraud/score` at `BENCH_RATE` calls per second. */
export async function latency(dataDir: string): Promise<void> {
  const purchases = inTimeOrder((await loadFraudPurchases(dataDir)).purchases);
  const runId = `${process.pid}_${Date.now()}`;
  let sent = 0;
  // Every call is a new transaction; the purchases are replayed in time order.
  const nextBody = (): string => {
    const order = purchaseToOrder(purchases[sent % purchases.length]);
    return JSON.stringify({
      ...order,
      transactionId: `bench-${runId}-${sent++}`,
      customerId: `bench-${order.customerId}`,
      createdAt: new Date(order.createdAt).toISOString(),
      accountCreatedAt: new Date(order.accountCreatedAt ?? order.createdAt).toISOString(),
    });
  };
  const load = async (target: Target, rate: number, seconds: number): Promise<Figures> => {
    const meter = await cpuMeter(target.serving);
    const own = process.cpuUsage();
    const result = await pace({
      url: target.url,
      headers: target.headers,
      rate,
      seconds,
      connections: CONNECTIONS,
      call: () => ({ path: '/v1/fraud/score', body: nextBody() }),
    });
    const ownUsed = process.cpuUsage(own);
    const cpu = await meter.perCall(result.calls);
    cpu['load generator'] = (ownUsed.user + ownUsed.system) / Math.max(1, result.calls);
    const { p50, p90, p99, max, calls: requests, failed } = figures(result, seconds);
    return { p50, p90, p99, max, requests, failed, cpu };
  };

  const started: ChildProcess[] = [];
  const redis = new Redis(REDIS_URL);
  try {
    const fraudUrl = await child<string>('fraud', runId, started);
    await waitReady(fraudUrl);
    const gw = await child<{ url: string; key: string; rateLimitPerMinute: number }>(
      'gateway',
      `${fraudUrl} ${runId}`,
      started,
    );
    const [fraud, gateway] = started;
    const through: Target = {
      label: 'through the gateway',
      url: gw.url,
      headers: { 'x-api-key': gw.key },
      serving: { gateway, fraud },
    };
    const direct: Target = { label: 'direct', url: fraudUrl, headers: {}, serving: { fraud } };

    // JIT, connection pools and the key cache warm up before anything is measured.
    for (const target of [through, direct]) await load(target, RATE, WARM_SECONDS);
    const load0 = loadavg();
    const scripts0 = await scriptStats(redis);
    const runs = new Map<Target, Figures[]>([
      [through, []],
      [direct, []],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of [through, direct]) {
        runs.get(target)?.push(await load(target, RATE, SECONDS));
      }
    }
    const scripts1 = await scriptStats(redis);
    const load1 = loadavg();

    console.log(
      `\nlatency of POST /v1/fraud/score at ${RATE} req/s, ${CONNECTIONS} connections, ` +
        `${ROUNDS} rounds of ${SECONDS} s per path in turns (velocity updated by every call; ` +
        `API key with scope fraud:score, rate limit ${gw.rateLimitPerMinute}/min counted)`,
    );
    for (const [target, figures] of runs) {
      for (const [round, f] of figures.entries()) {
        const cpu = Object.entries(f.cpu).map(([name, us]) => `${name} ${us.toFixed(0)} µs`);
        console.log(
          `  ${target.label.padEnd(20)} round ${round + 1}: p50 ${ms(f.p50)} p90 ${ms(f.p90)} ` +
            `p99 ${ms(f.p99)} max ${ms(f.max)} ms; ${f.requests} calls, ${f.failed} failed; ` +
            `CPU per call ${cpu.join(', ')}`,
        );
      }
    }
    const p99s = runs.get(through)?.map((f) => f.p99) ?? [];
    const worst = Math.max(...p99s);
    const median = [...p99s].sort((a, b) => a - b)[Math.floor(p99s.length / 2)];
    const scriptCalls = scripts1.calls - scripts0.calls;
    const perScript = scriptCalls === 0 ? 0 : (scripts1.usec - scripts0.usec) / scriptCalls;
    console.log(
      `  Redis scripts (every client of the shared Redis): ${scriptCalls} calls, ` +
        `${perScript.toFixed(0)} µs each`,
    );
    console.log(
      `  load average (1 min) ${load0[0].toFixed(1)} before, ${load1[0].toFixed(1)} after, ` +
        `on ${cpus().length} cores`,
    );
    console.log(
      `through the gateway: p99 median ${ms(median)} ms, worst ${ms(worst)} ms over the rounds ` +
        `(target <= 10 ms at 500 req/s): ${median <= 10 ? 'met' : 'NOT met'}`,
    );
  } finally {
    redis.disconnect();
    await stopChildren(started);
  }
}
