/**
 * Full Online Retail replay from the CSV to stored fact rows: the replay CLI runs as a child
 * process (as in production, apart from the writer), the facts writer runs here, and the
 * clock stops when the sales and products groups have no lag left.
 *
 * Besides the rate it prints, per process on the path (replay, writer, the Kafka broker and
 * the PostgreSQL backends of the bench's database), CPU time per 1,000 events and peak RSS,
 * and the load average: on a shared machine the rate says more about the neighbours than
 * about the code, the CPU per event much less so.
 *
 *   pnpm bench:ingest [--chunk N] [--concurrency N] [--batch N] [--limit N]
 *
 * --chunk and --concurrency are the writer's events per statement and partitions at once
 * (its production defaults when absent); --batch is the replay's messages per publish.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import pino from 'pino';
import { Type } from '@sinclair/typebox';
import { deadLetterTopic } from '@qm/contracts';
import { repoRoot } from '@qm/datasets';
import { createEventBus, deletePrefixed } from '@qm/events';
import { BaseConfig, createPool, type Pool, loadConfig, loggerOptions, splitList } from '@qm/kit';
import type { ReplaySummary } from '@qm/replay';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
  consumerLag,
  countFacts,
  factsGroupId,
  migrateFacts,
  startFactsWriter,
  topicSize,
} from '../src';
import { PostgresMeter, ProcessMeter, findBrokerPid, type ProcessUse } from './processes';

const config = loadConfig({
  QM_LOG_LEVEL: BaseConfig.QM_LOG_LEVEL,
  QM_DATABASE_URL: BaseConfig.QM_DATABASE_URL,
  QM_KAFKA_BROKERS: BaseConfig.QM_KAFKA_BROKERS,
  QM_DATA_DIR: Type.Optional(Type.String()),
});
const { values: args } = parseArgs({
  options: {
    chunk: { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
    batch: { type: 'string', default: '5000' },
    limit: { type: 'string' },
  },
});
const log = pino(
  loggerOptions('bench-ingest', config.QM_LOG_LEVEL === 'info' ? 'warn' : config.QM_LOG_LEVEL),
);
const MiB = 2 ** 20;

/** Runs the replay CLI in a child process and returns its JSON summary. */
function runReplay(prefix: string): Promise<ReplaySummary> {
  const cli = join(repoRoot, 'packages', 'replay', 'src', 'cli.ts');
  const argv = ['--import', 'tsx', cli, 'online-retail', '--json', '--batch', args.batch];
  if (args.limit !== undefined) argv.push('--limit', args.limit);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    QM_KAFKA_TOPIC_PREFIX: prefix,
    QM_KAFKA_BROKERS: config.QM_KAFKA_BROKERS,
    QM_LOG_LEVEL: 'warn',
  };
  if (config.QM_DATA_DIR !== undefined) env.QM_DATA_DIR = config.QM_DATA_DIR;
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`replay exited with ${code}`));
      else resolve(JSON.parse(out) as ReplaySummary);
    });
  });
}

async function withDatabase<T>(
  url: URL,
  name: string,
  run: (dbUrl: string) => Promise<T>,
): Promise<T> {
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url.toString());
  dbUrl.pathname = `/${name}`;
  try {
    return await run(dbUrl.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function bench(dbUrl: string, prefix: string): Promise<void> {
  await migrateFacts(dbUrl, log);
  const pool = createPool(dbUrl, log, { max: 4 });
  try {
    await runWith(pool, new URL(dbUrl).pathname.slice(1), prefix);
  } finally {
    await pool.end();
  }
}

interface Row {
  name: string;
  use: ProcessUse | undefined;
  note?: string;
}

function table(rows: Row[], events: number): string[] {
  const perThousand = (ms: number) => ((ms * 1000) / events).toFixed(1);
  const out = [
    `${'process'.padEnd(30)} ${'CPU s'.padStart(7)} ${'CPU ms/1k ev'.padStart(12)} ` +
      `${'peak RSS MiB'.padStart(12)}`,
  ];
  for (const { name, use, note } of rows) {
    const cells =
      use === undefined
        ? `${'n/a'.padStart(7)} ${'n/a'.padStart(12)} ${'n/a'.padStart(12)}`
        : `${(use.cpuMs / 1000).toFixed(1).padStart(7)} ${perThousand(use.cpuMs).padStart(12)} ` +
          `${String(Math.round(use.peakRssBytes / MiB)).padStart(12)}`;
    out.push(`${name.padEnd(30)} ${cells}${note === undefined ? '' : `  ${note}`}`);
  }
  return out;
}

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function runWith(pool: Pool, database: string, prefix: string): Promise<void> {
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'bench-ingest',
    log,
    topicPrefix: prefix,
    consumer: { maxWaitTimeInMs: 200 },
  });
  await bus.ensureTopics();
  const writer = await startFactsWriter({
    bus,
    pool,
    log,
    topicPrefix: prefix,
    batchSize: Number(args.chunk),
    concurrency: Number(args.concurrency),
  });
  try {
    const admin = await bus.admin();
    const lag = async () =>
      (await consumerLag(admin, factsGroupId('sales', prefix), bus.topic('sales'))) +
      (await consumerLag(admin, factsGroupId('products', prefix), bus.topic('products')));

    const postgres = new PostgresMeter(pool, database);
    await postgres.begin();
    const broker = new ProcessMeter(findBrokerPid());
    const loadAtStart = loadAverage();
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    let summary: ReplaySummary | undefined;
    let failure: unknown;
    let replayDone = 0;
    const replaying = runReplay(prefix).then(
      (s) => {
        replayDone = (performance.now() - started) / 1000;
        return (summary = s);
      },
      (e: unknown) => (failure = e),
    );
    let lastReport = started;
    while (summary === undefined || (await lag()) > 0) {
      if (failure !== undefined) throw failure;
      await sleep(200);
      await postgres.poll();
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        const seconds = ((lastReport - started) / 1000).toFixed(0);
        process.stderr.write(
          `  ${seconds} s: lag ${await lag()}, replay ${summary ? 'done' : 'running'}\n`,
        );
      }
    }
    await replaying;
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const writerUse: ProcessUse = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    const brokerUse = broker.read();
    await postgres.poll();
    const postgresUse = postgres.read();
    const loadAtEnd = loadAverage();

    const counts = await countFacts(pool);
    const dead = await topicSize(admin, deadLetterTopic(bus.topic('sales')));
    const lines = summary.sets[0].read;
    const events = summary.produced;
    const replayUse: ProcessUse = { cpuMs: summary.cpuMs, peakRssBytes: summary.peakRssBytes };
    const measured = [replayUse, writerUse, brokerUse, postgresUse];
    const totalCpuMs = measured.every((u) => u !== undefined)
      ? measured.reduce((n, u) => n + (u?.cpuMs ?? 0), 0)
      : undefined;
    const perThousand = (use: ProcessUse | undefined) =>
      use === undefined ? null : Number(((use.cpuMs * 1000) / events).toFixed(2));
    const mib = (use: ProcessUse | undefined) =>
      use === undefined ? null : Math.round(use.peakRssBytes / MiB);
    const report = {
      fileLines: lines,
      rejectedAtSource: summary.rejected,
      produced: events,
      storedSaleLines: counts.saleLines,
      deadLettered: dead,
      consistent: counts.saleLines + dead + summary.rejected === lines,
      orders: counts.orders,
      customers: counts.customers,
      products: counts.products,
      elapsedSeconds: Number(elapsed.toFixed(2)),
      eventsPerSecond: Math.round(lines / elapsed),
      replayOnlyEventsPerSecond: summary.eventsPerSecond,
      replayDoneSeconds: Number(replayDone.toFixed(2)),
      cpuMsPer1000Events: {
        replay: perThousand(replayUse),
        writer: perThousand(writerUse),
        broker: perThousand(brokerUse),
        postgres: perThousand(postgresUse),
        total: totalCpuMs === undefined ? null : Number(((totalCpuMs * 1000) / events).toFixed(2)),
      },
      peakRssMiB: {
        replay: mib(replayUse),
        writer: mib(writerUse),
        broker: mib(brokerUse),
        postgresBackend: mib(postgresUse),
      },
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      settings: {
        writerChunk: Number(args.chunk),
        writerConcurrency: Number(args.concurrency),
        producerBatch: Number(args.batch),
      },
    };
    const total: Row[] =
      totalCpuMs === undefined
        ? []
        : [{ name: 'total', use: { cpuMs: totalCpuMs, peakRssBytes: 0 } }];
    process.stdout.write(
      [
        `Online Retail, CSV to stored rows: ${report.eventsPerSecond} events/s ` +
          `(${lines} lines in ${report.elapsedSeconds} s; the replay alone ran at ` +
          `${report.replayOnlyEventsPerSecond} events/s and was done after ` +
          `${report.replayDoneSeconds} s)`,
        `stored sale lines ${counts.saleLines} + dead-lettered ${dead} + rejected at source ` +
          `${summary.rejected} = ${counts.saleLines + dead + summary.rejected} ` +
          `of ${lines} file lines` +
          (report.consistent ? ' (all accounted for)' : ' (MISMATCH)'),
        `orders ${counts.orders}, customers ${counts.customers}, products ${counts.products}`,
        `CPU per process over the run, per 1,000 events produced (${events} events):`,
        ...table(
          [
            { name: 'replay (node, from first row)', use: replayUse },
            { name: 'writer (node, this process)', use: writerUse },
            { name: 'kafka broker (java)', use: brokerUse, note: 'shared: counts all clients' },
            {
              name: `postgresql (${postgresUse?.backends ?? 0} backends)`,
              use: postgresUse,
              note: 'peak RSS of one backend, shared buffers included',
            },
            ...total,
          ],
          events,
        ).map((line) => `  ${line}`),
        totalCpuMs === undefined
          ? ''
          : `  at this CPU cost 2 idle cores would allow about ` +
            `${Math.round((2000 * events) / totalCpuMs)} events/s (a bound, not a measurement)`,
        `load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAtEnd} at the end`,
        JSON.stringify(report),
      ].join('\n') + '\n',
    );
  } finally {
    await writer.stop();
    await deletePrefixed(await bus.admin(), prefix);
    await bus.close();
  }
}

async function main(): Promise<void> {
  const id = randomBytes(4).toString('hex');
  const server = new URL(config.QM_DATABASE_URL);
  server.pathname = '/postgres';
  await withDatabase(server, `qm_bench_${id}`, (dbUrl) => bench(dbUrl, `bench-${id}.`));
}

main().catch((error: unknown) => {
  log.error({ err: error }, 'bench failed');
  process.exitCode = 1;
});
