/**
 * Serving latency of cached user lists through the gateway. The recommendations service
 * (trained on all of Online Retail) and the gateway in front of it (real API key from
 * PostgreSQL, scope check, rate limit counted and shared through Redis, metrics, access log)
 * run in child processes of their own, and so does the load generator, which offers a steady
 * open-loop rate of calls over the lists of many customers, each list already in the Redis
 * cache. The same
 * load sent straight to the service shows what the gateway hop adds.
 *
 * A third path, the gateway to the service's health probe, is the floor of the machine at
 * the moment: on a shared machine the tail comes mostly from other work.
 *
 *   BENCH_RATE (1000 calls/s), BENCH_SECONDS (15 per path), BENCH_CONNECTIONS (10),
 *   BENCH_USERS (500); BENCH_CPU_PROF=<dir> writes CPU profiles of the service and the
 *   gateway there.
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { PaceFigures } from '../../../gateway/bench/pace';
import {
  ask,
  cpuMeter,
  serverNodeFlags,
  startChild,
  stopChildren,
} from '../../../gateway/bench/processes';
import type { LoadRequest, RebuildFigures } from './serving';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const ROUNDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const USERS = Number(process.env.BENCH_USERS ?? 500);

interface Figures {
  /** How late the load generator handed calls over, at p99 (its own delay, not counted). */
  late: number;
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  errors: number;
  /** CPU time per call (user + system, µs) of each serving process, by name. */
  cpu: Record<string, number>;
}

const PROFILE_DIR = process.env.BENCH_CPU_PROF;

/** Starts a role; the service and the gateway run with the flags production gives them. */
function child<T>(role: string, arg: string, started: ChildProcess[]): Promise<T> {
  const server = role !== 'loader';
  const profile =
    PROFILE_DIR === undefined || !server ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const flags = server ? [...serverNodeFlags(), ...profile] : [];
  return startChild<T>(join(__dirname, 'serving.ts'), [role, arg], started, flags);
}

/** What the service child sends once it is listening; `buildMs` is its first build's time. */
interface ServiceInfo {
  url: string;
  users: string[];
  buildMs: number;
}

interface Path {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  serving: Record<string, ChildProcess>;
}

/** Has the load generator offer a path's calls at the bench's rate for `seconds`. */
function offer(loader: ChildProcess, path: Path, seconds: number): Promise<PaceFigures> {
  const request: LoadRequest = {
    url: path.url,
    paths: path.paths,
    headers: path.headers,
    seconds,
    rate: RATE,
    connections: CONNECTIONS,
  };
  return ask(loader, { load: request }, (m: { result?: PaceFigures }) => m.result);
}

async function load(loader: ChildProcess, path: Path, seconds: number): Promise<Figures> {
  const meter = await cpuMeter(path.serving);
  const result = await offer(loader, path, seconds);
  const cpu = await meter.perCall(result.calls);
  const { p50, p90, p99 } = result;
  return {
    late: result.lateP99,
    p50,
    p90,
    p99,
    rps: result.rps,
    errors: result.failed,
    cpu,
  };
}

/** Each figure's median over the rounds (errors summed). */
function median(runs: Figures[]): Figures {
  const mid = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];
  return {
    late: mid(runs.map((r) => r.late)),
    p50: mid(runs.map((r) => r.p50)),
    p90: mid(runs.map((r) => r.p90)),
    p99: mid(runs.map((r) => r.p99)),
    rps: mid(runs.map((r) => r.rps)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    cpu: Object.fromEntries(
      Object.keys(runs[0].cpu).map((name) => [name, mid(runs.map((r) => r.cpu[name]))]),
    ),
  };
}

/** Asks the service to rebuild its models; resolves with its figures once the rebuild is in. */
function rebuildOf(service: ChildProcess): Promise<RebuildFigures> {
  return ask(service, 'rebuild', (m: { rebuilt?: RebuildFigures }) => m.rebuilt);
}

/**
 * Calls offered while the service rebuilds its models. The load lasts 80% of the time the
 * service's first build took, so that every call falls inside the rebuild; CPU figures are
 * not asked for, as a service busy building would answer them late.
 */
async function rebuildUnderLoad(
  loader: ChildProcess,
  service: ChildProcess,
  path: Path,
  buildMs: number,
): Promise<string> {
  const rebuilt = rebuildOf(service);
  const seconds = Math.max(1, (0.8 * buildMs) / 1000);
  const calls = await offer(loader, path, seconds);
  const { ms, maxDelayMs } = await rebuilt;
  return (
    `rebuild ${(ms / 1000).toFixed(1)} s, event loop held at most ${maxDelayMs.toFixed(0)} ms; ` +
    `calls in its first ${seconds.toFixed(1)} s: p50 ${calls.p50.toFixed(1)} ms, ` +
    `p99 ${calls.p99.toFixed(1)} ms, max ${calls.max.toFixed(0)} ms, ${calls.failed} errors`
  );
}

/** Fetches every list once, so the measured calls are all answered from the cache. */
async function warm(base: string, paths: string[], headers: Record<string, string>) {
  for (const path of paths) {
    const response = await fetch(base + path, { headers });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  }
}

function line(label: string, f: Figures): string {
  const cpu = Object.entries(f.cpu).map(([name, us]) => `${name} ${us.toFixed(0)} µs`);
  return (
    `  ${label.padEnd(16)} p50 ${f.p50.toFixed(1)} ms, p90 ${f.p90.toFixed(1)} ms, ` +
    `p99 ${f.p99.toFixed(1)} ms, ` +
    `${f.rps.toFixed(0)} calls/s, ${f.errors} errors; CPU per call: ${cpu.join(', ')}; ` +
    `load generator late by ${f.late.toFixed(1)} ms at p99`
  );
}

const busy = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Starts service and gateway, then measures direct and gateway calls in alternating rounds. */
export async function benchLatency(): Promise<void> {
  const started: ChildProcess[] = [];
  try {
    const svc = await child<ServiceInfo>('service', 'worker', started);
    const service = started[0];
    const gw = await child<{ url: string; key: string }>('gateway', svc.url, started);
    const gateway = started[1];
    await child<string>('loader', '', started);
    const loader = started[2];
    const paths = svc.users
      .slice(0, USERS)
      .map((u) => `/v1/recommendations/users/${encodeURIComponent(u)}?limit=10`);
    const auth = { 'x-api-key': gw.key };
    const viaGateway: Path = { url: gw.url, paths, headers: auth, serving: { gateway, service } };
    const direct: Path = { url: svc.url, paths, headers: {}, serving: { service } };
    // The floor of the machine at the moment: the same hop to a route that does nothing.
    const probe = ['/v1/recommendations/healthz'];
    const floor: Path = { url: gw.url, paths: probe, headers: {}, serving: { gateway, service } };

    const first = performance.now();
    await warm(gw.url, paths.slice(0, 1), auth);
    const missMs = performance.now() - first;
    await warm(gw.url, paths, auth);
    const before = busy();
    // Short runs first so JIT, connection pools and the key cache are warm.
    await load(loader, viaGateway, 2);
    await load(loader, direct, 2);
    // The paths are loaded in turns, so drifting load from other work hits them evenly.
    const targets = [viaGateway, direct, floor];
    const runs = targets.map((): Figures[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, target] of targets.entries()) {
        runs[i].push(await load(loader, target, SECONDS / ROUNDS));
      }
    }
    const [through, straight, idle] = runs.map(median);
    console.log(
      `Latency, cached user lists of ${paths.length} customers at ${RATE} calls/s offered ` +
        `(${CONNECTIONS} connections; medians of ${ROUNDS} rounds of ${SECONDS / ROUNDS} s):`,
    );
    console.log(line('through gateway', through));
    console.log(line('direct', straight));
    console.log(line('floor (healthz)', idle));
    console.log(
      `  p99 through the gateway ${through.p99.toFixed(1)} ms (target <= 5 ms): ` +
        `${through.p99 <= 5 && through.errors === 0 ? 'met' : 'NOT met'}; ` +
        `first call through the gateway (list and key not cached) ${missMs.toFixed(1)} ms`,
    );
    console.log(`  ${cpus().length} cores, load average before ${before}, after ${busy()}`);

    // Last, as a rebuild leaves every cached list stale.
    const inWorker = await rebuildUnderLoad(loader, service, direct, svc.buildMs);
    await stopChildren([gateway, service]);
    const inProcess = await child<ServiceInfo>('service', 'in-process', started);
    const onLoop = started[3];
    await warm(inProcess.url, paths, {});
    const onLoopPath: Path = { ...direct, url: inProcess.url, serving: { service: onLoop } };
    const inLoop = await rebuildUnderLoad(loader, onLoop, onLoopPath, inProcess.buildMs);
    console.log(`Rebuild of the models with ${RATE} calls/s offered direct to the service:`);
    console.log(`  in a worker thread (the server's way) ${inWorker}`);
    console.log(`  on the event loop ${inLoop}`);
  } finally {
    await stopChildren(started);
  }
}

if (require.main === module) {
  benchLatency().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
