import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ClickEventBatchSchema,
  ProductUpsertSchema,
  SaleLineBatchSchema,
  create,
  encode,
  encodeMany,
  type ClickEvent,
  type SaleLine,
  type TopicKey,
} from '@qm/contracts';
import {
  DIGINETICA_FILE,
  ONLINE_RETAIL_FILE,
  REES46_FILE,
  TAOBAO_FILE,
  YOOCHOOSE_FILE,
  isRowProblem,
  openData,
  readDigineticaChunks,
  readOnlineRetailChunks,
  readRees46Chunks,
  readTaobaoChunks,
  readYoochooseChunks,
  type ClickRecord,
  type RetailLine,
  type RowProblem,
} from '@qm/datasets';
import {
  InvoicePositions,
  RetailCatalog,
  clickEventFromRecord,
  saleLineFromRetail,
} from './events';

/** The sets the replay knows, in the order `all` replays them. */
export const SET_NAMES = ['online-retail', 'taobao', 'rees46', 'yoochoose', 'diginetica'] as const;
export type SetName = (typeof SET_NAMES)[number];

/** One message ready for Kafka, with the event time that paces a time-compressed replay. */
export interface OutgoingEvent {
  topic: TopicKey;
  key: string;
  value: Buffer;
  /** Event time in ms since the epoch. */
  at: number;
}

/** What a set yields: messages, and rows that could not be parsed. */
export type SourceItem = OutgoingEvent | RowProblem;

interface SetInfo {
  file: string[];
  /** Who publishes the set, for the message shown when it is missing. */
  publisher: string;
  /** The set's messages in file order, a chunk at a time (at most `limit` rows read). */
  read(dataDir: string, limit: number): AsyncGenerator<SourceItem[]>;
}

/** The rows of a chunked reader, cut after `limit` rows. */
async function* firstRows<T>(chunks: AsyncGenerator<T[]>, limit: number): AsyncGenerator<T[]> {
  let left = limit;
  for await (const chunk of chunks) {
    if (left <= 0) break;
    const rows = chunk.length > left ? chunk.slice(0, left) : chunk;
    left -= rows.length;
    yield rows;
  }
}

/**
 * A chunk's messages in row order, rows that could not be parsed in place. The events of a
 * chunk are encoded together (see `encodeMany`), each message a slice of one buffer.
 */
function chunkItems<R extends object, E>(
  rows: (R | RowProblem)[],
  toEvent: (row: R) => E,
  encodeAll: (events: E[]) => Buffer[],
  toItem: (row: R, event: E, value: Buffer) => OutgoingEvent,
): SourceItem[] {
  const good: R[] = [];
  const events: E[] = [];
  for (const row of rows) {
    if (isRowProblem(row)) continue;
    good.push(row);
    events.push(toEvent(row));
  }
  const values = encodeAll(events);
  let next = 0;
  return rows.map((row) => {
    if (isRowProblem(row)) return row;
    const i = next++;
    return toItem(good[i], events[i], values[i]);
  });
}

const encodeClicks = (events: ClickEvent[]) =>
  encodeMany(ClickEventBatchSchema, create(ClickEventBatchSchema, { events }));

const encodeSales = (lines: SaleLine[]) =>
  encodeMany(SaleLineBatchSchema, create(SaleLineBatchSchema, { lines }));

async function* clickItems(
  chunks: AsyncGenerator<(ClickRecord | RowProblem)[]>,
  limit: number,
): AsyncGenerator<SourceItem[]> {
  for await (const records of firstRows(chunks, limit)) {
    yield chunkItems(records, clickEventFromRecord, encodeClicks, (record, _event, value) => ({
      topic: 'clickstream',
      key: record.userId || record.sessionId,
      value,
      at: record.occurredAt.getTime(),
    }));
  }
}

/** Every line as a sale event, then one product upsert per StockCode seen. */
async function* retailItems(dataDir: string, limit: number): AsyncGenerator<SourceItem[]> {
  const positions = new InvoicePositions();
  const catalog = new RetailCatalog();
  let last = 0;
  const toSale = (line: RetailLine) => {
    catalog.add(line);
    last = line.invoiceDate.getTime();
    return saleLineFromRetail(line, positions.take(line.invoiceNo));
  };
  for await (const lines of firstRows(readOnlineRetailChunks(dataDir), limit)) {
    yield chunkItems(lines, toSale, encodeSales, (line, sale, value) => ({
      topic: 'sales',
      key: sale.sku,
      value,
      at: line.invoiceDate.getTime(),
    }));
  }
  const products: SourceItem[] = [];
  for (const product of catalog.products()) {
    products.push({
      topic: 'products',
      key: product.sku,
      value: encode(ProductUpsertSchema, product),
      at: last,
    });
  }
  if (products.length > 0) yield products;
}

export const SETS: Record<SetName, SetInfo> = {
  'online-retail': {
    file: ONLINE_RETAIL_FILE,
    publisher:
      'UCI Machine Learning Repository, "Online Retail" (id 352), donated by Dr Daqing Chen, ' +
      'London South Bank University',
    read: retailItems,
  },
  taobao: {
    file: TAOBAO_FILE,
    publisher: 'Alibaba Tianchi, data set 649 "User Behavior Data from Taobao for Recommendation"',
    read: (dir, limit) => clickItems(readTaobaoChunks(dir), limit),
  },
  rees46: {
    file: REES46_FILE,
    publisher:
      'REES46 Open CDP, "eCommerce behavior data from multi category store" (Kaggle, ' +
      'mkechinov/ecommerce-behavior-data-from-multi-category-store)',
    read: (dir, limit) => clickItems(readRees46Chunks(dir), limit),
  },
  yoochoose: {
    file: YOOCHOOSE_FILE,
    publisher: 'YOOCHOOSE GmbH, RecSys Challenge 2015 (yoochoose-clicks.dat)',
    read: (dir, limit) => clickItems(readYoochooseChunks(dir), limit),
  },
  diginetica: {
    file: DIGINETICA_FILE,
    publisher: 'DIGINETICA, CIKM Cup 2016 Track 2 (train-item-views.csv)',
    read: (dir, limit) => clickItems(readDigineticaChunks(dir), limit),
  },
};

/** The sets named on the command line; `all` (or nothing) means every set. */
export function resolveSets(names: string[]): SetName[] {
  if (names.length === 0 || names.includes('all')) return [...SET_NAMES];
  const unknown = names.filter((n) => !(SET_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown data set ${unknown.join(', ')}; known: ${SET_NAMES.join(', ')}, all`);
  }
  return [...new Set(names)] as SetName[];
}

/** The file path of each requested set that is not in the data directory. */
export function missingFiles(dataDir: string, sets: SetName[]): { set: SetName; path: string }[] {
  return sets
    .map((set) => ({ set, path: join(dataDir, ...SETS[set].file) }))
    .filter(({ path }) => !existsSync(path));
}

/** Explains where missing sets come from and how the replay finds or downloads them. */
export function missingDataMessage(
  dataDir: string,
  missing: { set: SetName; path: string }[],
): string {
  const lines = [
    `The data directory ${dataDir} lacks ${missing.length} of the requested data set(s):`,
    ...missing.map(({ set, path }) => `  ${set}: ${path}\n    published by ${SETS[set].publisher}`),
    '',
    'The replay reads QM_DATA_DIR, or the nearest shared/data, as it is. Only when neither',
    'exists does it download into its cache (QM_DATA_CACHE_DIR) the sets whose publishers',
    'serve them at a stable URL (UCI Online Retail); the others must be fetched from their',
    'publishers by hand and placed as shown above (each folder of the shared copy has a',
    'README with its source and columns).',
  ];
  return lines.join('\n');
}

/** Rows in a set's file (lines, less the header), to size the progress bar. */
export async function expectedRows(dataDir: string, set: SetName): Promise<number> {
  let lines = 0;
  for await (const chunk of openData(join(dataDir, ...SETS[set].file))) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  }
  return set === 'taobao' ? lines : Math.max(0, lines - 1);
}
