import pino from 'pino';
import { loggerOptions, splitList } from '@qm/kit';
import { createEventBus } from '@qm/events';
import { parseReplayArgs, USAGE, type ReplayArgs } from './args';
import { loadReplayConfig } from './config';
import { formatSummary, progressBar, progressLog, type ProgressView } from './progress';
import { replay } from './replay';
import { MissingDataError, prepareData, SetDownloadError, type PreparedData } from './fetch-sets';
import { expectedRows } from './sources';

function readArgs(): ReplayArgs | undefined {
  try {
    return parseReplayArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return undefined;
  }
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Prints a download's progress at each quarter when its size is known. */
function downloadProgress(): (set: string, received: number, total?: number) => void {
  let shown = 0;
  return (_set, received, total) => {
    if (total === undefined) return;
    const quarter = Math.floor((received / total) * 4);
    if (quarter <= shown) return;
    shown = quarter;
    say(`          ${quarter * 25}% of ${(total / 2 ** 20).toFixed(1)} MiB`);
  };
}

/** The data directory and sets to replay, or undefined after saying why there are none. */
async function findData(
  args: ReplayArgs,
  config: ReturnType<typeof loadReplayConfig>,
): Promise<PreparedData | undefined> {
  try {
    return await prepareData({
      configuredDir: config.QM_DATA_DIR,
      cacheDir: config.QM_DATA_CACHE_DIR,
      sets: args.sets,
      explicit: args.explicit,
      say,
      onProgress: downloadProgress(),
    });
  } catch (error) {
    if (error instanceof SetDownloadError) say(`replay: ${error.message}`);
    else if (error instanceof MissingDataError) say(error.message);
    else throw error;
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
  const data = await findData(args, config);
  if (data === undefined) return 2;
  const { dir: dataDir, sets } = data;

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
      for (const set of sets) expected.set(set, await expectedRows(dataDir, set));
    }
    const summary = await replay({
      publisher: bus.publisher,
      topicPrefix: bus.topicPrefix,
      dataDir,
      sets,
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
