import { columnProblem, sourceId, type ClickRecord, type RowProblem } from './clickstream';
import { dataFile, parseCsvChunks } from './files';

/** The training part only; the prepared test day is kept aside for evaluation. */
export const YOOCHOOSE_FILE = [
  'clickstream-yoochoose-100k',
  'yoochoose-clicks-100k_train_full.tsv.gz',
];

/** Parses one YOOCHOOSE row: `SessionId\tItemId\tTime` (Unix seconds with a fraction). */
export function parseYoochooseRecord(record: string[], row: number): ClickRecord | RowProblem {
  const short = columnProblem(record, 3);
  if (short) return { row, problem: short };
  const [sessionId, itemId, time] = record;
  const seconds = Number(time);
  if (time.trim() === '' || !Number.isFinite(seconds)) {
    return { row, problem: `bad Time ${JSON.stringify(time)}` };
  }
  return {
    row,
    source: 'yoochoose',
    eventId: `yoochoose:${row}`,
    action: 'view',
    userId: '',
    sessionId: sourceId('yoochoose', sessionId),
    itemId: sourceId('yoochoose', itemId),
    category: '',
    price: 0,
    occurredAt: new Date(Math.round(seconds * 1000)),
  };
}

/** The YOOCHOOSE clicks in file order, a chunk of rows at a time. */
export function readYoochooseChunks(dataDir: string): AsyncGenerator<(ClickRecord | RowProblem)[]> {
  return parseCsvChunks(
    dataFile(dataDir, ...YOOCHOOSE_FILE),
    { from_line: 2, delimiter: '\t' },
    parseYoochooseRecord,
  );
}

/** Streams the YOOCHOOSE training clicks (header row skipped) in file order. */
export async function* readYoochoose(dataDir: string): AsyncGenerator<ClickRecord | RowProblem> {
  for await (const chunk of readYoochooseChunks(dataDir)) yield* chunk;
}
