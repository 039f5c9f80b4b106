import pino from 'pino';
import { loggerOptions, splitList } from '@qm/kit';
import { resolveDataDir } from '@qm/datasets';
import { createEventBus } from '@qm/events';
import { parseReplayArgs, USAGE, type ReplayArgs } from './args';
import { loadReplayConfig } from './config';
import { formatSummary, progressBar, progressLog, type ProgressView } from './progress';
import { replay } from './replay';
import { expectedRows, missingDataMessage, missingFiles } from './sources';

function readArgs(): ReplayArgs | undefined {
  try {
    return parseReplayArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const args = readArgs();
  if (args === undefined) return 2;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const config = loadReplayConfig();
  // Logs go to stderr so that `--json` leaves stdout to the summary alone.
  const log = pino(loggerOptions('replay', config.QM_LOG_LEVEL), pino.destination(2));
  const dataDir = resolveDataDir(config.QM_DATA_DIR);
  const missing = missingFiles(dataDir, args.sets);
  if (missing.length > 0) {
    process.stderr.write(`${missingDataMessage(dataDir, missing)}\n`);
    return 2;
  }

  const bus = createEventBus({
    brokers: splitList(config.QM_KAFKA_BROKERS),
    clientId: 'qm-replay',
    log,
    topicPrefix: config.QM_KAFKA_TOPIC_PREFIX,
  });
  const view: ProgressView = process.stdout.isTTY ? progressBar() : progressLog(log);
  try {
    await bus.ensureTopics();
    // Counting rows reads each file once more, so it is done only for a bar to fill.
    const expected = new Map<string, number>();
    if (process.stdout.isTTY) {
      for (const set of args.sets) expected.set(set, await expectedRows(dataDir, set));
    }
    const summary = await replay({
      publisher: bus.publisher,
      topicPrefix: bus.topicPrefix,
      dataDir,
      sets: args.sets,
      speed: args.speed,
      limit: args.limit,
      batchSize: args.batchSize,
      onSetStart: (set) => view.startSet(set, Math.min(expected.get(set) ?? 0, args.limit)),
      onProgress: (p) => view.update(p),
    });
    view.stop();
    process.stdout.write(
      args.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`,
    );
    return 0;
  } catch (error) {
    view.stop();
    log.error({ err: error }, 'replay failed');
    return 1;
  } finally {
    await bus.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
