import { parseArgs } from 'node:util';
import { resolveSets, type SetName } from './sources';

export interface ReplayArgs {
  sets: SetName[];
  /** Sets were named (not `all`): each one must be found or downloaded. */
  explicit: boolean;
  speed: number;
  limit: number;
  batchSize: number;
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: pnpm replay [sets...] [--speed N] [--limit N] [--batch N] [--json]

Streams data sets from the data directory into Kafka as events.
Sets: online-retail, taobao, rees46, yoochoose, diginetica, all (default).

The data directory is QM_DATA_DIR, else the nearest shared/data beside the repository. When
neither exists, the replay uses a download cache (QM_DATA_CACHE_DIR, by default
~/.cache/quartermaster/data) and downloads there, once, the sets whose publishers serve them
at a stable URL: UCI Online Retail (an .xlsx in a zip, converted to the CSV layout of the
shared copy, without its kept-aside last 28 days). The other sets need a sign-in or are
samples; with \`all\` they are skipped with a note, named alone they are an error.

  --speed N   replay N times faster than the data's own clock (3600 = one hour of data
              per second); without it, as fast as possible
  --limit N   read at most N rows of each set
  --batch N   messages per publish (default 5000)
  --json      print the final summary as JSON on stdout`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** Reads the command line; throws with a readable message on a bad option or set name. */
export function parseReplayArgs(argv: string[]): ReplayArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      speed: { type: 'string' },
      limit: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    sets: resolveSets(positionals),
    explicit: positionals.length > 0 && !positionals.includes('all'),
    speed: positive('speed', values.speed, 0),
    limit: Math.floor(positive('limit', values.limit, Infinity)),
    batchSize: Math.floor(positive('batch', values.batch, 5000)),
    json: values.json === true,
    help: values.help === true,
  };
}
