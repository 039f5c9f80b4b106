/**
 * The gateway's overhead, measured on two calls, each sent direct to the
 * service and through the gateway (key, scope, shared rate limit, metrics, access log on):
 *
 * - the real inventory service answering `GET /v1/inventory/stock/{sku}` from PostgreSQL,
 *   a call users make and the one the targets are about;
 * - a trivial upstream answering a constant item.
 *
 * Beside the gateway, two proxies with no checks at all show the floor one Node proxy hop
 * costs on this machine: Node's HTTP server handing each call to an undici pool ("raw"), and
 * a Fastify route with @fastify/reply-from ("bare").
 *
 * The paths of a call are loaded alike, in turns (direct, gateway, direct, ...), so drifting
 * load from other work on the machine hits them evenly; medians over the rounds are shown.
 * Throughput is measured at saturation; latency also at a fixed rate that both paths sustain
 * (half the gateway's saturated rate), offered open-loop at a steady pace (`pace.ts`), where
 * p99 shows what the gateway adds to a call rather than queueing. Each path also shows the
 * CPU time per call of each process serving it (the
 * PostgreSQL server processes answering the service included), which depends far less on
 * what else runs on the machine than rates and latencies do, and what the totals would let
 * the gateway keep on a machine where CPU alone bounded throughput. Services, gateway and
 * the load generator (`load.ts`, 10 connections, no pipelining) are separate processes,
 * and the load generator's own CPU time per call is shown too.
 *
 *   pnpm bench:gateway
 *   BENCH_SECONDS (per measurement, 5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (10),
 *   BENCH_CPU_PROF=<dir> writes a CPU profile of each gateway process there.
 */
import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { LoadResult, LoadRun } from './load';
import {
  cpuMeter,
  serverNodeFlags,
  startChild,
  stopChildren,
  type BenchTarget as Target,
} from './processes';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARM_SECONDS = 2;
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const SKU = 'BENCH-1';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time per call (user + system, µs) of each process serving it, by name. */
  cpu: Record<string, number>;
}

interface Call {
  title: string;
  role: string;
  arg: string;
  path: string;
  /** Also measure bare proxies (no checks) in front of the upstream, the floors. */
  floors: boolean;
}

interface Report {
  call: Call;
  labels: string[];
  saturated: Figures[];
  rate: number;
  /** Direct and through the gateway at `rate`. */
  paced: [Figures, Figures];
}

/** Starts a role of `roles.ts` in its own process, with the V8 flags servers run with. */
function child<T>(
  role: string,
  arg: string,
  started: ChildProcess[],
  extraArgs: string[] = [],
): Promise<T> {
  const args = [...serverNodeFlags(), ...extraArgs];
  return startChild<T>(join(__dirname, 'roles.ts'), [role, arg], started, args);
}

/** Runs a load in the load generator's process and waits for its figures. */
function generate(loader: ChildProcess, spec: LoadRun): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const listen = (message: { result?: LoadResult; error?: string }) => {
      if (message.result === undefined && message.error === undefined) return;
      loader.off('message', listen);
      if (message.result !== undefined) resolve(message.result);
      else reject(new Error(message.error));
    };
    loader.on('message', listen);
    loader.send(spec);
  });
}

async function load(
  loader: ChildProcess,
  target: Target,
  path: string,
  seconds: number,
  rate?: number,
): Promise<Figures> {
  const meter = await cpuMeter(target.serving);
  const result = await generate(loader, {
    url: target.url + path,
    headers: target.headers,
    connections: CONNECTIONS,
    seconds,
    rate,
  });
  const cpu = await meter.perCall(result.total);
  cpu['load generator'] = result.cpu / Math.max(1, result.total);
  const { rps, p50, p99, errors } = result;
  return { rps, p50, p99, errors, cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianFigures(runs: Figures[]): Figures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    cpu: Object.fromEntries(
      Object.keys(runs[0].cpu).map((name) => [name, median(runs.map((r) => r.cpu[name]))]),
    ),
  };
}

/** Loads each target in turn, `ROUNDS` times, and returns the median figures per target. */
async function inTurns(
  loader: ChildProcess,
  targets: Target[],
  path: string,
  rate?: number,
): Promise<Figures[]> {
  const runs = targets.map((): Figures[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) {
      runs[i].push(await load(loader, target, path, SECONDS, rate));
    }
  }
  return runs.map(medianFigures);
}

async function measure(call: Call): Promise<Report> {
  const started: ChildProcess[] = [];
  try {
    await startChild<string>(join(__dirname, 'load.ts'), [], started);
    const loader = started[0];
    const upstream = await child<string>(call.role, call.arg, started);
    const service = started[1];
    const profile =
      PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
    const gateway = await child<{ url: string; key: string }>(
      'gateway',
      upstream,
      started,
      profile,
    );
    const direct: Target = { label: 'direct', url: upstream, headers: {}, serving: { service } };
    const through: Target = {
      label: 'through gateway',
      url: gateway.url,
      headers: { 'x-api-key': gateway.key },
      serving: { gateway: started[2], service },
    };
    const targets: Target[] = [direct, through];
    if (call.floors) {
      const raw = await child<string>('raw', upstream, started);
      const bare = await child<string>('bare', upstream, started);
      targets.splice(
        1,
        0,
        { label: 'raw proxy', url: raw, headers: {}, serving: { proxy: started[3], service } },
        { label: 'bare proxy', url: bare, headers: {}, serving: { proxy: started[4], service } },
      );
    }

    // JIT, connection pools and the key cache warm up before anything is measured.
    for (const target of targets) await load(loader, target, call.path, WARM_SECONDS);
    const saturated = await inTurns(loader, targets, call.path);
    const rate = Math.max(1, Math.floor(saturated[saturated.length - 1].rps / 2));
    const paced = await inTurns(loader, [direct, through], call.path, rate);
    const [pacedDirect, pacedThrough] = paced;
    const labels = targets.map((t) => t.label);
    return { call, labels, saturated, rate, paced: [pacedDirect, pacedThrough] };
  } finally {
    await stopChildren(started);
  }
}

const num = (value: number, width: number) => value.toFixed(0).padStart(width);
const ms = (value: number, width: number) => value.toFixed(1).padStart(width);
const total = (f: Figures) => Object.values(f.cpu).reduce((sum, us) => sum + us, 0);

function print(report: Report): void {
  const { saturated, paced, rate } = report;
  console.log(`\n${report.call.title}`);
  console.log(
    `${''.padEnd(16)}${'saturated:'.padStart(10)} req/s  p50  p99   errors` +
      `   at ${rate} req/s: p50  p99   CPU per call, µs (saturated)`,
  );
  for (const [i, label] of report.labels.entries()) {
    const f = saturated[i];
    const row =
      `${label.padEnd(16)}${num(f.rps, 16)} ${num(f.p50, 4)} ${num(f.p99, 4)}` +
      ` ${num(f.errors, 8)}`;
    const p = label === 'direct' ? paced[0] : label === 'through gateway' ? paced[1] : undefined;
    const at = p === undefined ? ' '.repeat(11) : `${ms(p.p50, 5)} ${ms(p.p99, 5)}`;
    const cpu = Object.entries(f.cpu).map(([name, us]) => `${name} ${us.toFixed(0)}`);
    console.log(`${row}${' '.repeat(16)}${at}   ${cpu.join(', ')}; total ${num(total(f), 0)} µs`);
  }

  const direct = saturated[0];
  const through = saturated[saturated.length - 1];
  const kept = through.rps / direct.rps;
  const added = paced[1].p99 - paced[0].p99;
  const met = kept >= 0.7 && added <= 1;
  console.log(
    `gateway keeps ${(kept * 100).toFixed(0)}% of direct throughput (target >= 70%), adds ` +
      `${added.toFixed(1)} ms at p99 at ${rate} req/s (target <= 1) and ` +
      `${through.p99 - direct.p99} ms ` +
      `at saturation: ${met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `where CPU alone bounded throughput, the CPU totals per call would let it keep ` +
      `${((total(direct) / total(through)) * 100).toFixed(0)}%`,
  );
  if (report.labels.includes('bare proxy')) {
    const share = (i: number) => `${((saturated[i].rps / direct.rps) * 100).toFixed(0)}%`;
    console.log(
      `(with no checks, Node's HTTP server handing calls to an undici pool keeps ${share(1)}, ` +
        `a Fastify route with @fastify/reply-from ${share(2)})`,
    );
  }
}

const busy = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const before = busy();
  const reports = [
    await measure({
      title: `inventory service (PostgreSQL): GET /v1/inventory/stock/${SKU}`,
      role: 'inventory',
      arg: SKU,
      path: `/v1/inventory/stock/${SKU}`,
      floors: true,
    }),
    await measure({
      title: 'trivial upstream (the floor): GET /v1/inventory/items/SKU-1',
      role: 'trivial',
      arg: '',
      path: '/v1/inventory/items/SKU-1',
      floors: true,
    }),
  ];

  console.log(
    `\n${CONNECTIONS} connections, no pipelining; ` +
      `medians of ${ROUNDS} rounds of ${SECONDS} s per path; ` +
      `latencies in ms (saturated: autocannon, whole ms; at a fixed rate: steady pace)`,
  );
  console.log(`${cpus().length} cores, load average before ${before}, after ${busy()}`);
  reports.forEach(print);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
