/**
 * Serving latency of cached user lists through the gateway. The recommendations service
 * (trained on all of Online Retail) and the gateway in front of it (real API key from
 * PostgreSQL, scope check, rate limit counted and shared through Redis, metrics, access log)
 * run in child processes of their own; autocannon, in this process, offers a fixed rate of
 * calls over the lists of many customers, each list already in the Redis cache. The same
 * load sent straight to the service shows what the gateway hop adds.
 *
 *   BENCH_RATE (1000 calls/s), BENCH_SECONDS (10), BENCH_CONNECTIONS (10), BENCH_USERS (500)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const USERS = Number(process.env.BENCH_USERS ?? 500);

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  errors: number;
  /** CPU time per call (user + system, µs) of each serving process, by name. */
  cpu: Record<string, number>;
}

function child<T>(role: string, arg: string, started: ChildProcess[]): Promise<T> {
  const proc = fork(join(__dirname, 'serving.ts'), [role, arg], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  started.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('message', (info) => resolve(info as T));
    proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

async function stop(started: ChildProcess[]): Promise<void> {
  await Promise.all(
    started.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
        }),
    ),
  );
}

function cpuOf(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listen = (message: { cpu?: NodeJS.CpuUsage }) => {
      if (message.cpu === undefined) return;
      proc.off('message', listen);
      resolve(message.cpu.user + message.cpu.system);
    };
    proc.on('message', listen);
    proc.send('cpu');
  });
}

async function load(
  base: string,
  paths: string[],
  headers: Record<string, string>,
  serving: Record<string, ChildProcess>,
  seconds: number,
): Promise<Figures> {
  const procs = Object.entries(serving);
  const before = await Promise.all(procs.map(([, p]) => cpuOf(p)));
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    overallRate: RATE,
    headers,
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  const after = await Promise.all(procs.map(([, p]) => cpuOf(p)));
  const calls = Math.max(1, result.requests.total);
  const { p50, p90, p99 } = result.latency;
  return {
    p50,
    p90,
    p99,
    rps: result.requests.average,
    errors: result.errors + result.timeouts + result.non2xx,
    cpu: Object.fromEntries(procs.map(([name], i) => [name, (after[i] - before[i]) / calls])),
  };
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
    `  ${label.padEnd(16)} p50 ${f.p50} ms, p90 ${f.p90} ms, p99 ${f.p99} ms, ` +
    `${f.rps.toFixed(0)} calls/s, ${f.errors} errors; CPU per call: ${cpu.join(', ')}`
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
    const svc = await child<{ url: string; users: string[] }>('service', '', started);
    const service = started[0];
    const gw = await child<{ url: string; key: string }>('gateway', svc.url, started);
    const gateway = started[1];
    const paths = svc.users
      .slice(0, USERS)
      .map((u) => `/v1/recommendations/users/${encodeURIComponent(u)}?limit=10`);
    const auth = { 'x-api-key': gw.key };

    const first = performance.now();
    await warm(gw.url, paths.slice(0, 1), auth);
    const missMs = performance.now() - first;
    await warm(gw.url, paths, auth);
    const before = busy();
    // Short runs first so JIT, connection pools and the key cache are warm.
    await load(gw.url, paths, auth, { gateway, service }, 2);
    await load(svc.url, paths, {}, { service }, 2);
    const rounds: { direct: Figures; through: Figures }[] = [];
    for (let round = 0; round < 2; round++) {
      const direct = await load(svc.url, paths, {}, { service }, SECONDS / 2);
      const through = await load(gw.url, paths, auth, { gateway, service }, SECONDS / 2);
      rounds.push({ direct, through });
    }
    const worst = (pick: (r: (typeof rounds)[number]) => Figures): Figures =>
      rounds.map(pick).reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const through = worst((r) => r.through);
    console.log(
      `Latency, cached user lists of ${paths.length} customers at ${RATE} calls/s offered ` +
        `(${CONNECTIONS} connections, 2 rounds of ${SECONDS / 2} s per path, worse round shown):`,
    );
    console.log(line('through gateway', through));
    console.log(
      line(
        'direct',
        worst((r) => r.direct),
      ),
    );
    console.log(
      `  p99 through the gateway ${through.p99} ms (target <= 5 ms): ` +
        `${through.p99 <= 5 && through.errors === 0 ? 'met' : 'NOT met'}; ` +
        `first uncached call through the gateway ${missMs.toFixed(1)} ms`,
    );
    console.log(`  ${cpus().length} cores, load average before ${before}, after ${busy()}`);
  } finally {
    await stop(started);
  }
}

if (require.main === module) {
  benchLatency().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
