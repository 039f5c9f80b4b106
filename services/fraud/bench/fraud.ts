/**
 * `pnpm bench:fraud`: model quality on held-out splits of the labelled purchases, then the
 * latency of `POST /v1/fraud/score` at a fixed rate, through the gateway and direct.
 *
 *   pnpm bench:fraud [quality|latency]
 *   BENCH_RATE (req/s, 500), BENCH_SECONDS (per round, 10), BENCH_ROUNDS (3),
 *   BENCH_CONNECTIONS (20), BENCH_CPU_PROF=<dir> writes a CPU profile of each process there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { loadFraudPurchases, resolveDataDir } from '@qm/datasets';
import { averagePrecision, rocAuc } from '../src/model/metrics';
import { FEATURE_NAMES } from '../src/domain/features';
import { numberToIp } from '../src/domain/ip-country';
import {
  fitAndMeasureKind,
  MODEL_KINDS,
  stratifiedSplit,
  timeSplit,
  validationSplit,
  withHeldOutAbsent,
  type Figures as ModelFigures,
  type Split,
} from '../src/training/evaluate';
import { inTimeOrder, replay, type ReplayedSet } from '../src/training/replay';
import { loadIpTable } from '../src/training/train-model';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REDIS_URL = process.env.QM_REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 10 * 60_000;
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

function fmt(x: number): string {
  return x.toFixed(3);
}

/** The one-rule reference: an order placed under two minutes after signup is fraud. */
function signupRule(set: ReplayedSet, split: Split): string {
  const column = FEATURE_NAMES.indexOf('signup_gap_under_2m');
  const scores = split.held.map((i) => set.rows[i][column]);
  const labels = split.held.map((i) => set.labels[i]);
  return `AUC-PR ${fmt(averagePrecision(scores, labels))} ROC AUC ${fmt(rocAuc(scores, labels))}`;
}

function line(label: string, f: ModelFigures, ms: number): string {
  const later = f.afterTwoMinutes;
  return (
    `  ${label.padEnd(20)}  AUC-PR ${fmt(f.aucPr)} ROC AUC ${fmt(f.rocAuc)} ` +
    `P@100 ${fmt(f.precisionAt100)} | after 2 min: AUC-PR ${fmt(later.aucPr)} ` +
    `ROC AUC ${fmt(later.rocAuc)} (held fraud ${f.heldFraud}, ${ms} ms)`
  );
}

async function quality(dataDir: string): Promise<void> {
  const started = Date.now();
  const { purchases } = await loadFraudPurchases(dataDir);
  const context = { ipTable: await loadIpTable(dataDir) };
  const set = replay(purchases, context);
  const fraud = set.labels.reduce((s, v) => s + v, 0);
  console.log(`purchases ${set.rows.length} (fraud ${fraud}), replayed in time order`);

  const stratified = stratifiedSplit(set.labels, 0.3);
  const validation = validationSplit(set.labels, stratified);
  console.log(
    `\n${validation.name}: fit ${validation.fit.length}, held out ${validation.held.length}` +
      ' (chooses the kind)',
  );
  const chosen = { kind: MODEL_KINDS[0], aucPr: -1 };
  for (const kind of MODEL_KINDS) {
    const t = Date.now();
    const { figures } = await fitAndMeasureKind(set, validation, kind);
    console.log(line(kind, figures, Date.now() - t));
    if (figures.aucPr > chosen.aucPr) Object.assign(chosen, { kind, aucPr: figures.aucPr });
  }
  console.log(`  chosen: ${chosen.kind}`);

  const splits = [
    stratified,
    withHeldOutAbsent(set, stratified, context),
    timeSplit(set.rows.length, 0.3),
  ];
  for (const split of splits) {
    console.log(`\nsplit ${split.name}: fit ${split.fit.length}, held out ${split.held.length}`);
    console.log(`  rule signup<2min      ${signupRule(set, split)}`);
    for (const kind of MODEL_KINDS) {
      const t = Date.now();
      const { figures } = await fitAndMeasureKind(set, split, kind);
      const label = kind === chosen.kind ? `${kind} (chosen)` : kind;
      console.log(line(label, figures, Date.now() - t));
    }
  }
  console.log(
    `\nreference (spec, on the kept-aside 30%): logistic 0.650 / 0.788, gbdt 0.647 / 0.780`,
  );
  console.log(`quality done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

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

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** The processes that serve a call on this path, by name. */
  serving: Record<string, ChildProcess>;
}

/** Starts a role of `roles.ts` in its own process; resolves with what it sends once ready. */
function child<T>(role: string, arg: string, started: ChildProcess[]): Promise<T> {
  const profile = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const proc = fork(join(__dirname, 'roles.ts'), [role, arg], {
    execArgv: ['--import', 'tsx', ...profile],
    stdio: 'inherit',
  });
  started.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('message', (info) => resolve(info as T));
    proc.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

/** Stops the processes (they clean up on SIGTERM) and waits until they are gone. */
async function stop(started: ChildProcess[]): Promise<void> {
  for (const proc of [...started].reverse()) {
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
}

/** The CPU time a child process has used so far, in µs. */
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

async function latency(dataDir: string): Promise<void> {
  const purchases = inTimeOrder((await loadFraudPurchases(dataDir)).purchases);
  const runId = `${process.pid}_${Date.now()}`;
  let sent = 0;
  // Every call is a new transaction; the purchases are replayed in time order.
  const nextBody = (): string => {
    const p = purchases[sent % purchases.length];
    return JSON.stringify({
      transactionId: `bench-${runId}-${sent++}`,
      customerId: `bench-${p.userId}`,
      amount: p.purchaseValue,
      createdAt: p.purchaseTime.toISOString(),
      accountCreatedAt: p.signupTime.toISOString(),
      deviceId: p.deviceId,
      ipAddress: numberToIp(p.ipAddress),
      channel: p.source,
      browser: p.browser,
      customerAge: p.age,
      customerSex: p.sex,
    });
  };
  const load = async (
    target: Target,
    options: { rate?: number; seconds?: number; amount?: number },
  ) => {
    const serving = Object.entries(target.serving);
    const before = await Promise.all(serving.map(([, proc]) => cpuOf(proc)));
    const result = await autocannon({
      url: `${target.url}/v1/fraud/score`,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      connections: CONNECTIONS,
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
      ...(options.seconds === undefined ? {} : { duration: options.seconds }),
      ...(options.amount === undefined ? {} : { amount: options.amount }),
      requests: [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }],
    });
    const after = await Promise.all(serving.map(([, proc]) => cpuOf(proc)));
    const calls = Math.max(1, result.requests.total);
    const cpu = Object.fromEntries(
      serving.map(([name], i) => [name, (after[i] - before[i]) / calls]),
    );
    const { p50, p90, p99, max } = result.latency;
    const failed = result.non2xx + result.errors + result.timeouts;
    return { p50, p90, p99, max, requests: result.requests.total, failed, cpu };
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
    for (const target of [through, direct]) await load(target, { amount: 1000 });
    const load0 = loadavg();
    const scripts0 = await scriptStats(redis);
    const runs = new Map<Target, Figures[]>([
      [through, []],
      [direct, []],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of [through, direct]) {
        runs.get(target)?.push(await load(target, { rate: RATE, seconds: SECONDS }));
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
          `  ${target.label.padEnd(20)} round ${round + 1}: p50 ${f.p50} p90 ${f.p90} ` +
            `p99 ${f.p99} max ${f.max} ms; ${f.requests} calls, ${f.failed} failed; ` +
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
      `through the gateway: p99 median ${median} ms, worst ${worst} ms over the rounds ` +
        `(target <= 10 ms at 500 req/s): ${median <= 10 ? 'met' : 'NOT met'}`,
    );
  } finally {
    redis.disconnect();
    await stop(started);
  }
}

async function main(): Promise<void> {
  const dataDir = resolveDataDir(process.env.QM_DATA_DIR);
  const only = process.argv[2];
  if (only !== 'latency') await quality(dataDir);
  if (only !== 'quality') await latency(dataDir);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
