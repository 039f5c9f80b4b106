import { columnProblem, sourceId, type ClickRecord, type RowProblem } from './clickstream';
import { dataFile, parseCsvChunks } from './files';

export const DIGINETICA_FILE = ['clickstream-diginetica-sample', 'sample_train-item-views.csv.gz'];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses one DIGINETICA row: `session_id;user_id;item_id;timeframe;eventdate`. The set gives
 * only the day and the milliseconds since the session started, so the time is their sum
 * (midnight UTC plus the offset): right in order within a session, not as a clock time.
 */
export function parseDigineticaRecord(record: string[], row: number): ClickRecord | RowProblem {
  const short = columnProblem(record, 5);
  if (short) return { row, problem: short };
  const [sessionId, userId, itemId, timeframe, eventDate] = record;
  const offset = Number(timeframe);
  if (timeframe.trim() === '' || !Number.isFinite(offset)) {
    return { row, problem: `bad timeframe ${JSON.stringify(timeframe)}` };
  }
  const day = eventDate.trim();
  const midnight = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (Number.isNaN(midnight)) return { row, problem: `bad eventdate ${JSON.stringify(eventDate)}` };
  return {
    row,
    source: 'diginetica',
    eventId: `diginetica:${row}`,
    action: 'view',
    userId: userId.trim() === 'NA' ? '' : sourceId('diginetica', userId),
    sessionId: sourceId('diginetica', sessionId),
    itemId: sourceId('diginetica', itemId),
    category: '',
    price: 0,
    occurredAt: new Date(midnight + offset),
  };
}

/** The DIGINETICA events in file order, a chunk of rows at a time. */
export function readDigineticaChunks(
  dataDir: string,
): AsyncGenerator<(ClickRecord | RowProblem)[]> {
  return parseCsvChunks(
    dataFile(dataDir, ...DIGINETICA_FILE),
    { from_line: 2, delimiter: ';' },
    parseDigineticaRecord,
  );
}

/** Streams the DIGINETICA sample (header row skipped) in file order. */
export async function* readDiginetica(dataDir: string): AsyncGenerator<ClickRecord | RowProblem> {
  for await (const chunk of readDigineticaChunks(dataDir)) yield* chunk;
}
