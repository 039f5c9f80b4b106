import {
  columnProblem,
  sourceId,
  type ClickAction,
  type ClickRecord,
  type RowProblem,
} from './clickstream';
import { dataFile, parseCsvChunks } from './files';

export const TAOBAO_FILE = ['clickstream-taobao-userbehavior-110k', 'UserBehavior_110k.csv.gz'];

const ACTIONS: Record<string, ClickAction> = {
  pv: 'view',
  cart: 'add_to_cart',
  fav: 'favourite',
  buy: 'purchase',
};

/** Parses one Taobao row: `user_id,item_id,category_id,behavior,timestamp` (Unix seconds). */
export function parseTaobaoRecord(record: string[], row: number): ClickRecord | RowProblem {
  const short = columnProblem(record, 5);
  if (short) return { row, problem: short };
  const [userId, itemId, categoryId, behavior, timestamp] = record;
  const action = ACTIONS[behavior.trim()];
  if (!action) return { row, problem: `unknown behavior ${JSON.stringify(behavior)}` };
  const seconds = Number(timestamp);
  if (timestamp.trim() === '' || !Number.isFinite(seconds)) {
    return { row, problem: `bad timestamp ${JSON.stringify(timestamp)}` };
  }
  return {
    row,
    source: 'taobao',
    eventId: `taobao:${row}`,
    action,
    userId: sourceId('taobao', userId),
    sessionId: '',
    itemId: sourceId('taobao', itemId),
    category: sourceId('taobao', categoryId),
    price: 0,
    occurredAt: new Date(seconds * 1000),
  };
}

/** The Taobao events in file order, a chunk of rows at a time. */
export function readTaobaoChunks(dataDir: string): AsyncGenerator<(ClickRecord | RowProblem)[]> {
  return parseCsvChunks(dataFile(dataDir, ...TAOBAO_FILE), {}, parseTaobaoRecord);
}

/** Streams the Taobao user-behaviour slice (no header row) in file order. */
export async function* readTaobao(dataDir: string): AsyncGenerator<ClickRecord | RowProblem> {
  for await (const chunk of readTaobaoChunks(dataDir)) yield* chunk;
}
