/**
 * `pnpm bench:fraud`: model quality on held-out splits of the labelled purchases, then
 * latency of `POST /v1/fraud/score` on a running service at a fixed request rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { loadFraudPurchases, resolveDataDir } from '@qm/datasets';
import { averagePrecision, rocAuc } from '../src/model/metrics';
import { FEATURE_NAMES } from '../src/domain/features';
import { numberToIp } from '../src/domain/ip-country';
import { fitAndMeasure, stratifiedSplit, timeSplit, type Split } from '../src/training/evaluate';
import { inTimeOrder, replay, type ReplayedSet } from '../src/training/replay';
import { loadIpTable } from '../src/training/train-model';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PORT = Number(process.env.BENCH_PORT ?? 18086);
const READY_TIMEOUT_MS = 10 * 60_000;

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

async function quality(dataDir: string): Promise<void> {
  const started = Date.now();
  const { purchases } = await loadFraudPurchases(dataDir);
  const set = replay(purchases, { ipTable: await loadIpTable(dataDir) });
  const fraud = set.labels.reduce((s, v) => s + v, 0);
  console.log(`purchases ${set.rows.length} (fraud ${fraud}), replayed in time order`);
  for (const split of [stratifiedSplit(set.labels, 0.3), timeSplit(set.rows.length, 0.3)]) {
    console.log(`\nsplit ${split.name}: fit ${split.fit.length}, held out ${split.held.length}`);
    console.log(`  rule signup<2min      ${signupRule(set, split)}`);
    for (const kind of ['logistic', 'gbdt'] as const) {
      const t = Date.now();
      const { figures: f } = fitAndMeasure(set, split, kind);
      console.log(
        `  ${kind.padEnd(20)}  AUC-PR ${fmt(f.aucPr)} ROC AUC ${fmt(f.rocAuc)} ` +
          `P@100 ${fmt(f.precisionAt100)} (held fraud ${f.heldFraud}, ${Date.now() - t} ms)`,
      );
    }
  }
  console.log(
    `\nreference (spec, on the kept-aside 30%): logistic 0.650 / 0.788, gbdt 0.647 / 0.780`,
  );
  console.log(`quality done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error('service not ready in time');
}

async function dropKeys(pattern: string): Promise<void> {
  const redis = new Redis(process.env.QM_REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The benchmark's decisions are not orders: they must not reach the next training. */
async function dropDecisions(pattern: string): Promise<void> {
  const pool = new Pool({
    connectionString:
      process.env.QM_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/quartermaster',
  });
  try {
    await pool.query('delete from fraud.decisions where transaction_id like $1', [pattern]);
  } finally {
    await pool.end();
  }
}

async function latency(dataDir: string): Promise<void> {
  const { purchases } = await loadFraudPurchases(dataDir);
  const runId = `${process.pid}-${Date.now()}`;
  const bodies = inTimeOrder(purchases).map((p, i) =>
    JSON.stringify({
      transactionId: `bench-${runId}-${i}`,
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
    }),
  );

  const root = join(__dirname, '..', '..', '..');
  const child = spawn(
    process.execPath,
    [...process.execArgv, join(__dirname, '..', 'src', 'server.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        QM_HTTP_PORT: String(PORT),
        QM_LOG_LEVEL: 'warn',
        QM_REDIS_PREFIX: `qm:bench:${runId}:`,
        QM_KAFKA_TOPIC_PREFIX: 'bench-fraud.',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  try {
    await waitReady(base, child);
    let next = 0;
    const warm = await autocannon({
      url: `${base}/v1/fraud/score`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: 10,
      amount: 500,
      requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
    });
    console.log(`\nwarm-up: ${warm.requests.total} requests`);
    const result = await autocannon({
      url: `${base}/v1/fraud/score`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: 20,
      overallRate: RATE,
      duration: SECONDS,
      requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
    });
    const l = result.latency;
    const load = loadavg().map((x) => x.toFixed(1));
    console.log(
      `load average after the run (1, 5, 15 min): ${load.join(', ')} on ${cpus().length} cores`,
    );
    console.log(
      `latency direct, ${RATE} req/s for ${SECONDS} s: p50 ${l.p50} ms, p90 ${l.p90} ms, ` +
        `p99 ${l.p99} ms, max ${l.max} ms; ${result.requests.total} requests, ` +
        `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await dropKeys(`qm:bench:${runId}:*`);
    await dropDecisions(`bench-${runId}-%`);
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
