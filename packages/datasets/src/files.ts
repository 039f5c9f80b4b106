import { createReadStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import Papa from 'papaparse';

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
  return path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 16 })) : raw;
}

/** How a CSV file is read. */
export interface CsvOptions {
  /** Field separator; `,` by default. */
  delimiter?: string;
  /** The first record to return, from 1: `2` skips a header line. */
  from_line?: number;
  /** Records become objects keyed by the fields of the first record returned. */
  columns?: boolean;
}

/** `\r\n` when the first line ends so, else `\n`. */
function lineEnding(text: string): '\r\n' | '\n' {
  const end = text.indexOf('\n');
  return end > 0 && text[end - 1] === '\r' ? '\r\n' : '\n';
}

/** A record of one empty field is an empty line, which holds no record. */
function isEmptyLine(record: string[]): boolean {
  return record.length === 1 && record[0] === '';
}

/**
 * Streams a CSV file's records a chunk at a time (a few hundred records per chunk), which
 * spares the per-record cost of async iteration. Quoted fields may hold delimiters, quotes
 * and line breaks; a record cut by a chunk boundary is completed from the next chunk.
 */
export async function* readCsvChunks(
  path: string,
  options: Omit<CsvOptions, 'columns'> = {},
): AsyncGenerator<string[][]> {
  const stream = openData(path);
  // Decoding in the stream keeps a multi-byte character cut by a chunk boundary whole.
  stream.setEncoding('utf8');
  let skip = Math.max(0, (options.from_line ?? 1) - 1);
  let parser: Papa.Parser | undefined;
  let rest = '';

  const take = (input: string, more: boolean): string[][] => {
    parser ??= new Papa.Parser({ delimiter: options.delimiter ?? ',', newline: lineEnding(input) });
    const result = parser.parse(input, 0, more) as Papa.ParseResult<string[]>;
    rest = more ? input.slice(result.meta.cursor) : '';
    let records = result.data.filter((r) => !isEmptyLine(r));
    if (skip > 0) {
      const skipped = Math.min(skip, records.length);
      records = records.slice(skipped);
      skip -= skipped;
    }
    return records;
  };

  for await (const text of stream as AsyncIterable<string>) {
    const records = take(rest + text, true);
    if (records.length > 0) yield records;
  }
  if (rest !== '') {
    const records = take(rest, false);
    if (records.length > 0) yield records;
  }
}

/**
 * Parses every record of a CSV file with its 0-based row number among the records returned
 * (a skipped header excluded), a chunk at a time.
 */
export async function* parseCsvChunks<T>(
  path: string,
  options: Omit<CsvOptions, 'columns'>,
  parse: (record: string[], row: number) => T,
): AsyncGenerator<T[]> {
  let row = 0;
  for await (const records of readCsvChunks(path, options)) {
    const parsed = new Array<T>(records.length);
    for (let i = 0; i < records.length; i++) parsed[i] = parse(records[i], row++);
    yield parsed;
  }
}

/** Streams a CSV file's records (arrays of strings, or objects with `columns: true`). */
export async function* readCsv<T = string[]>(
  path: string,
  options: CsvOptions = {},
): AsyncGenerator<T> {
  let header: string[] | undefined;
  for await (const records of readCsvChunks(path, options)) {
    for (const record of records) {
      if (!options.columns) {
        yield record as T;
      } else if (header === undefined) {
        header = record;
      } else {
        const entry: Record<string, string> = {};
        header.forEach((name, i) => (entry[name] = record[i] ?? ''));
        yield entry as T;
      }
    }
  }
}
