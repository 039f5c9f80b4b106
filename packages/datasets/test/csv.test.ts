import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsvChunks, readCsv, readCsvChunks } from '../src';

/** A field that needs quoting: delimiter, doubled quote, line break, multi-byte text. */
function awkward(i: number): string {
  return `line ${i}, "quoted"\nnext line — é中${'x'.repeat(i % 50)}`;
}

function quote(field: string): string {
  return `"${field.replace(/"/g, '""')}"`;
}

async function collect<T>(chunks: AsyncIterable<T[]>): Promise<{ rows: T[]; chunks: number }> {
  const rows: T[] = [];
  let count = 0;
  for await (const chunk of chunks) {
    rows.push(...chunk);
    count++;
  }
  return { rows, chunks: count };
}

describe('CSV reading', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qm-csv-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps quoted fields whole across chunk boundaries of a large gzipped file', async () => {
    const expected = Array.from({ length: 30_000 }, (_, i) => [String(i), awkward(i), 'end']);
    const text = ['id,text,tail', ...expected.map((r) => `${r[0]},${quote(r[1])},${r[2]}`)];
    const path = join(dir, 'big.csv.gz');
    writeFileSync(path, gzipSync(`${text.join('\r\n')}\r\n`));

    const { rows, chunks } = await collect(readCsvChunks(path, { from_line: 2 }));

    expect(chunks).toBeGreaterThan(10);
    expect(rows).toEqual(expected);
  });

  it('reads a file with no final line break, another delimiter and empty fields', async () => {
    const path = join(dir, 'plain.tsv');
    writeFileSync(path, 'a\tb\tc\n1\t\t3\n\n4\t5\t');

    const { rows } = await collect(readCsvChunks(path, { delimiter: '\t' }));

    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['4', '5', ''],
    ]);
  });

  it('numbers the parsed records from 0 after the skipped header', async () => {
    const path = join(dir, 'rows.csv');
    writeFileSync(path, 'h\nx\ny\n');

    const { rows } = await collect(
      parseCsvChunks(path, { from_line: 2 }, (record, row) => `${row}:${record[0]}`),
    );

    expect(rows).toEqual(['0:x', '1:y']);
  });

  it('gives records as objects keyed by the header with columns', async () => {
    const path = join(dir, 'objects.csv');
    writeFileSync(path, 'name,note\nann,"a, b"\nbob,\n');

    const records: Record<string, string>[] = [];
    for await (const r of readCsv<Record<string, string>>(path, { columns: true })) records.push(r);

    expect(records).toEqual([
      { name: 'ann', note: 'a, b' },
      { name: 'bob', note: '' },
    ]);
  });
});
