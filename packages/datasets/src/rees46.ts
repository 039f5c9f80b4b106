import {
  columnProblem,
  sourceId,
  type ClickAction,
  type ClickRecord,
  type RowProblem,
} from './clickstream';
import { dataFile, parseCsvChunks } from './files';

export const REES46_FILE = ['clickstream-rees46-oct2019-head', '2019-Oct_head17k.csv.gz'];

const ACTIONS: Record<string, ClickAction> = {
  view: 'view',
  cart: 'add_to_cart',
  remove_from_cart: 'remove_from_cart',
  purchase: 'purchase',
};

/**
 * Parses one REES46 row: `event_time,event_type,product_id,category_id,category_code,brand,
 * price,user_id,user_session`. The category is the readable code when there is one.
 */
export function parseRees46Record(record: string[], row: number): ClickRecord | RowProblem {
  const short = columnProblem(record, 9);
  if (short) return { row, problem: short };
  const [eventTime, eventType, productId, categoryId, categoryCode, , price, userId, session] =
    record;
  const action = ACTIONS[eventType.trim()];
  if (!action) return { row, problem: `unknown event_type ${JSON.stringify(eventType)}` };
  const occurredAt = new Date(eventTime.trim().replace(' UTC', 'Z').replace(' ', 'T'));
  if (Number.isNaN(occurredAt.getTime())) {
    return { row, problem: `bad event_time ${JSON.stringify(eventTime)}` };
  }
  const seen = price.trim() === '' ? 0 : Number(price);
  if (!Number.isFinite(seen)) return { row, problem: `bad price ${JSON.stringify(price)}` };
  return {
    row,
    source: 'rees46',
    eventId: `rees46:${row}`,
    action,
    userId: sourceId('rees46', userId),
    sessionId: sourceId('rees46', session),
    itemId: sourceId('rees46', productId),
    category: categoryCode.trim() || sourceId('rees46', categoryId),
    price: seen,
    occurredAt,
  };
}

/** The REES46 events in file order, a chunk of rows at a time. */
export function readRees46Chunks(dataDir: string): AsyncGenerator<(ClickRecord | RowProblem)[]> {
  return parseCsvChunks(dataFile(dataDir, ...REES46_FILE), { from_line: 2 }, parseRees46Record);
}

/** Streams the REES46 slice (header row skipped) in file order. */
export async function* readRees46(dataDir: string): AsyncGenerator<ClickRecord | RowProblem> {
  for await (const chunk of readRees46Chunks(dataDir)) yield* chunk;
}
