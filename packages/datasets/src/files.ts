import { createReadStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { parse, type Options } from 'csv-parse';

/** The repository root, found from this file's place in it. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * The data directory: the configured one (`QM_DATA_DIR`, read by the caller's config),
 * else the nearest `shared/data` beside the repository or beside one of its parents, so a
 * checkout nested one level deeper (a worktree, a CI clone) still finds the data.
 */
export function resolveDataDir(configured?: string): string {
  if (configured) return resolve(configured);
  const beside = resolve(repoRoot, '..', 'shared', 'data');
  for (let dir = resolve(repoRoot, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return beside;
  }
}

/** A data file's path; throws a readable error when it is missing. */
export function dataFile(dataDir: string, ...parts: string[]): string {
  const path = join(dataDir, ...parts);
  if (!existsSync(path)) {
    throw new Error(`data file not found: ${path} (set QM_DATA_DIR to the data directory)`);
  }
  return path;
}

/** Opens a file as a byte stream, gunzipping `.gz` files. */
export function openData(path: string): Readable {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** Streams a CSV file's records (arrays of strings, or objects with `columns: true`). */
export function readCsv<T = string[]>(path: string, options: Options = {}): AsyncIterable<T> {
  return openData(path).pipe(parse({ relax_quotes: true, ...options })) as AsyncIterable<T>;
}
