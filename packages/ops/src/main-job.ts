import pino from 'pino';
import { Redis } from 'ioredis';
import { createPool, loggerOptions, splitList } from '@qm/kit';
import { createEventBus } from '@qm/events';
import { countFacts, countFactsBySource, type FactCounts } from '@qm/facts';
import { prepareData, replay, SET_NAMES, formatSummary, type SetName } from '@qm/replay';
import { waitForCatchUp, waitForDerivedWork } from './catch-up';
import { loadMainJobConfig } from './config';
import { accountForSets, formatAccounts } from './accounting';
import { tallyDeadLetters } from './dead-letters';
import { gatewayProblem, liveAnswers, waitForRecommendationModels } from './live';

const out = (line = '') => process.stdout.write(`${line}\n`);

function setsFromArgs(argv: string[]): SetName[] {
  const names = argv.filter((a) => !a.startsWith('-'));
  if (names.length === 0) return [...SET_NAMES];
  for (const name of names) {
    if (!(SET_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown data set ${name}; known: ${SET_NAMES.join(', ')}`);
    }
  }
  return names as SetName[];
}

async function factsOrNothing(
  pool: ReturnType<typeof createPool>,
): Promise<FactCounts | undefined> {
  try {
    return await countFacts(pool);
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const config = loadMainJobConfig();
  const sets = setsFromArgs(process.argv.slice(2));
  const log = pino(loggerOptions('main-job', config.QM_LOG_LEVEL), pino.destination(2));
  const redis = new Redis(config.QM_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
  const pool = createPool(config.QM_DATABASE_URL, log);
  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'qm-main-job',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
    stats: { redis },
  });

  try {
    const data = await prepareData({
      configuredDir: config.QM_DATA_DIR,
      cacheDir: config.QM_DATA_CACHE_DIR,
      sets,
      explicit: process.argv.slice(2).some((a) => !a.startsWith('-')),
      say: out,
    });
    const before = await factsOrNothing(pool);
    out(`replay:   ${data.sets.join(', ')} from ${data.dir}`);
    let lastPrint = 0;
    const summary = await replay({
      publisher: bus.publisher,
      topicPrefix: bus.topicPrefix,
      dataDir: data.dir,
      sets: data.sets,
      onProgress: (p) => {
        if (Date.now() - lastPrint < 5000) return;
        lastPrint = Date.now();
        out(
          `          ${p.set}: ${p.read.toLocaleString('en')} read, ` +
            `${p.produced.toLocaleString('en')} produced`,
        );
      },
    });
    out(formatSummary(summary));

    out('catch-up: waiting until every consumer group has no lag');
    let lastLagPrint = 0;
    const catchUp = await waitForCatchUp(bus, config.QM_CATCH_UP_SECONDS * 1000, (consumers) => {
      if (Date.now() - lastLagPrint < 10_000) return;
      lastLagPrint = Date.now();
      const lag = consumers.reduce((n, c) => n + c.lag, 0);
      out(`          ${consumers.length} group/topic pairs, total lag ${lag.toLocaleString('en')}`);
    });
    out(
      `          ${catchUp.caughtUp ? 'caught up' : 'NOT caught up'} ` +
        `after ${(catchUp.waitedMs / 1000).toFixed(1)} s`,
    );
    // Forecasts and policies were put off while the sales loaded; they are due now.
    out('settling: waiting for every forecast and policy to follow the loaded sales');
    let lastBacklogPrint = 0;
    const settling = await waitForDerivedWork(bus, pool, config.QM_CATCH_UP_SECONDS * 1000, (b) => {
      if (Date.now() - lastBacklogPrint < 10_000) return;
      lastBacklogPrint = Date.now();
      out(
        `          ${b.forecasts.toLocaleString('en')} forecasts and ` +
          `${b.policies.toLocaleString('en')} policies due, lag ${b.lag.toLocaleString('en')}`,
      );
    });
    const b = settling.backlog;
    out(
      settling.settled
        ? `          settled after ${(settling.waitedMs / 1000).toFixed(1)} s`
        : `          NOT settled after ${(settling.waitedMs / 1000).toFixed(1)} s: ` +
            `${b.forecasts} forecasts and ${b.policies} policies due, lag ${b.lag}`,
    );
    const elapsedMs = summary.elapsedMs + catchUp.waitedMs + settling.waitedMs;
    const done = catchUp.caughtUp && settling.settled;
    out('');
    out('consumer group                     topic                         consumed  dead  lag');
    // As of the last poll: the forecasts published while settling are counted too.
    for (const c of settling.consumers) {
      out(
        `${c.group.padEnd(34)} ${c.topic.padEnd(28)} ${String(c.consumed).padStart(9)} ` +
          `${String(c.deadLettered).padStart(5)} ${String(c.lag).padStart(4)}`,
      );
    }

    const after = await factsOrNothing(pool);
    const stored = after === undefined ? undefined : await countFactsBySource(pool);
    const deadLetters = await tallyDeadLetters(bus);
    out('');
    out(
      `events in:      ${summary.produced.toLocaleString('en')} produced ` +
        `from ${summary.read.toLocaleString('en')} rows`,
    );
    if (after) {
      out(
        `events stored:  ${after.saleLines.toLocaleString('en')} sale lines, ` +
          `${after.clickEvents.toLocaleString('en')} click events, ` +
          `${after.products.toLocaleString('en')} products, ` +
          `${after.orders.toLocaleString('en')} orders ` +
          `(new this run: ` +
          `${(after.saleLines - (before?.saleLines ?? 0)).toLocaleString('en')} lines, ` +
          `${(after.clickEvents - (before?.clickEvents ?? 0)).toLocaleString('en')} clicks)`,
      );
    } else {
      out('events stored:  unknown (the facts store is not migrated: is customer-service up?)');
    }
    const refused = deadLetters.filter((t) => t.total > 0);
    if (refused.length === 0) out('dead-lettered:  none');
    for (const t of refused) {
      out(`dead-lettered:  ${t.topic}: ${t.total} messages`);
      for (const [group, g] of Object.entries(t.groups)) {
        out(`                  ${group}: ${g.count}`);
        for (const [reason, n] of Object.entries(g.reasons))
          out(`                    ${n} × ${reason}`);
      }
    }
    if (stored !== undefined) {
      const accounts = accountForSets(summary, stored, deadLetters);
      formatAccounts(accounts).forEach((line, i) =>
        out(`${i === 0 ? 'accounted:' : ''.padEnd(10)}      ${line}`),
      );
    }
    out(
      `elapsed:        ${(elapsedMs / 1000).toFixed(1)} s, ` +
        `${Math.round((summary.produced * 1000) / elapsedMs).toLocaleString('en')} ` +
        `events/s end to end`,
    );
    out('');
    const down = await gatewayProblem(config.QM_GATEWAY_URL);
    if (down !== undefined) {
      out(
        `live answers:   none, the gateway at ${config.QM_GATEWAY_URL} does not answer (${down})`,
      );
      return done ? 0 : 1;
    }
    const started = Date.now();
    const ready = await waitForRecommendationModels(config.QM_GATEWAY_URL, config.QM_MASTER_KEY);
    out(
      ready
        ? `models:         recommendations rebuilt on the loaded data ` +
            `(waited ${((Date.now() - started) / 1000).toFixed(0)} s)`
        : 'models:         recommendations not rebuilt yet: their lists stay cold-start a while',
    );
    out('');
    out('live answers through the gateway:');
    for (const line of await liveAnswers(config.QM_GATEWAY_URL, config.QM_MASTER_KEY)) out(line);
    return done ? 0 : 1;
  } finally {
    await bus.close();
    await pool.end();
    redis.disconnect();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`main job failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
