import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ONLINE_RETAIL_FILE, resolveDataDir } from '@qm/datasets';
import { downloadFile, type DownloadProgress } from './download';
import { convertOnlineRetailZip, ONLINE_RETAIL_HOLDOUT_FROM } from './online-retail-xlsx';
import { missingDataMessage, missingFiles, SETS, type SetName } from './sources';

/** Where the replay reads its data, and whether missing sets may be downloaded there. */
export interface DataLocation {
  dir: string;
  /** True for the download cache: no data directory was configured or found. */
  cache: boolean;
}

/**
 * `QM_DATA_DIR` when set; else the nearest `shared/data` when it exists; else the download
 * cache. Only the cache is ever written to.
 */
export function locateData(
  configured: string | undefined,
  cacheDir: string,
  defaultDir = resolveDataDir(),
): DataLocation {
  if (configured) return { dir: resolveDataDir(configured), cache: false };
  if (existsSync(defaultDir)) return { dir: defaultDir, cache: false };
  return { dir: cacheDir, cache: true };
}

/** A set that its publisher serves at a stable URL, and how to lay it out after download. */
interface PublicSource {
  url: string;
  /** Downloads into `dir` and converts; returns a line saying what was written. */
  fetch(url: string, dir: string, onProgress?: DownloadProgress): Promise<string>;
}

const PUBLIC_SOURCES: Partial<Record<SetName, PublicSource>> = {
  'online-retail': {
    url: 'https://archive.ics.uci.edu/static/public/352/online+retail.zip',
    async fetch(url, dir, onProgress) {
      const zip = join(dir, ONLINE_RETAIL_FILE[0], 'online+retail.zip');
      const csv = join(dir, ...ONLINE_RETAIL_FILE);
      await downloadFile(url, zip, { onProgress });
      const { lines, keptAside } = await convertOnlineRetailZip(zip, csv);
      await rm(zip, { force: true });
      return (
        `${lines.toLocaleString('en')} lines in ${csv}; ${keptAside.toLocaleString('en')} ` +
        `lines from ${ONLINE_RETAIL_HOLDOUT_FROM} on kept aside, as in the shared copy`
      );
    },
  },
};

/** Whether the replay can download a set from its publisher. */
export function isDownloadable(set: SetName): boolean {
  return PUBLIC_SOURCES[set] !== undefined;
}

/** A failed download of one set, in one line. */
export class SetDownloadError extends Error {
  readonly code = 'REPLAY_SET_DOWNLOAD_FAILED';

  constructor(
    readonly set: SetName,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `${set}: ${reason}. Without network access, set QM_DATA_DIR to a directory ` +
        'that holds the data sets.',
      { cause },
    );
    this.name = 'SetDownloadError';
  }
}

export interface FetchSetsOptions {
  /** Writes one line of what is happening. */
  say: (line: string) => void;
  /** Another URL per set (a mirror, or a local server in tests). */
  urls?: Partial<Record<SetName, string>>;
  onProgress?: (set: SetName, received: number, total: number | undefined) => void;
}

/** Sets present in the cache (some just downloaded) and sets that cannot be had there. */
export interface FetchedSets {
  ready: SetName[];
  unavailable: SetName[];
}

/**
 * Downloads into the cache directory each requested set it lacks and its publisher serves,
 * converted to the layout the readers take. Sets without a public download are returned as
 * unavailable. Throws a {@link SetDownloadError} when a download fails.
 */
export async function fetchMissingSets(
  dir: string,
  sets: SetName[],
  options: FetchSetsOptions,
): Promise<FetchedSets> {
  const ready: SetName[] = [];
  const unavailable: SetName[] = [];
  for (const set of sets) {
    if (existsSync(join(dir, ...SETS[set].file))) {
      ready.push(set);
      continue;
    }
    const source = PUBLIC_SOURCES[set];
    if (source === undefined) {
      unavailable.push(set);
      continue;
    }
    const url = options.urls?.[set] ?? source.url;
    options.say(`download: ${set} from ${SETS[set].publisher}`);
    options.say(`          ${url} into ${dir}`);
    try {
      const done = await source.fetch(url, dir, (received, total) =>
        options.onProgress?.(set, received, total),
      );
      options.say(`          ${done}`);
    } catch (error) {
      throw new SetDownloadError(set, error);
    }
    ready.push(set);
  }
  return { ready, unavailable };
}

/** Requested sets that are neither in the data directory nor to be downloaded. */
export class MissingDataError extends Error {
  readonly code = 'REPLAY_DATA_MISSING';

  constructor(message: string) {
    super(message);
    this.name = 'MissingDataError';
  }
}

export interface PrepareDataOptions extends FetchSetsOptions {
  /** `QM_DATA_DIR`, when set. */
  configuredDir?: string;
  /** Where downloads go when there is no data directory. */
  cacheDir: string;
  /** The directory used when `QM_DATA_DIR` is unset; the nearest `shared/data` by default. */
  defaultDir?: string;
  sets: SetName[];
  /** The sets were named on the command line (not `all`): each one must be there. */
  explicit: boolean;
}

/** The directory to read and the sets to replay from it. */
export interface PreparedData {
  dir: string;
  sets: SetName[];
  /** Sets of `all` left out: the cache lacks them and they have no public download. */
  skipped: SetName[];
}

/**
 * Finds the data: a configured or shared data directory is read as it is (a missing set is
 * an error); without one, the cache is used and the sets it lacks are downloaded from their
 * publishers where they can be. Throws {@link MissingDataError} or {@link SetDownloadError}.
 */
export async function prepareData(options: PrepareDataOptions): Promise<PreparedData> {
  const defaultDir = options.defaultDir ?? resolveDataDir();
  const location = locateData(options.configuredDir, options.cacheDir, defaultDir);
  if (!location.cache) {
    const missing = missingFiles(location.dir, options.sets);
    if (missing.length > 0) throw new MissingDataError(missingDataMessage(location.dir, missing));
    return { dir: location.dir, sets: options.sets, skipped: [] };
  }

  options.say(
    `data:     no data directory (QM_DATA_DIR is unset and ${defaultDir} does not ` +
      `exist): using the download cache ${location.dir}`,
  );
  const { ready, unavailable } = await fetchMissingSets(location.dir, options.sets, options);
  if (unavailable.length > 0 && (options.explicit || ready.length === 0)) {
    const missing = missingFiles(location.dir, unavailable);
    throw new MissingDataError(missingDataMessage(location.dir, missing));
  }
  for (const set of unavailable) {
    options.say(
      `skip:     ${set} has no public download (${SETS[set].publisher}); place it as ` +
        `${join(location.dir, ...SETS[set].file)} to replay it`,
    );
  }
  return { dir: location.dir, sets: ready, skipped: unavailable };
}
