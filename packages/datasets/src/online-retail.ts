import { dataFile, parseCsvChunks } from './files';

/** One invoice line of UCI Online Retail, with ids normalised as the system uses them. */
export interface RetailLine {
  /** 0-based row number in the file: stable, so it makes event ids. */
  row: number;
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  /** Invoice time; the file gives UK local time, read here as UTC so days stay as printed. */
  invoiceDate: Date;
  /** `YYYY-MM-DD` as printed in the file. */
  day: string;
  unitPrice: number;
  /** `17850.0` becomes `17850`; empty for an anonymous buyer. */
  customerId: string;
  country: string;
  /** Invoice number starting with `C`. */
  cancelled: boolean;
}

export const ONLINE_RETAIL_FILE = ['online-retail', 'online_retail.csv.gz'];

/** Normalises a customer id such as `17850.0` to `17850`. */
export function normaliseCustomerId(raw: string): string {
  const trimmed = raw.trim();
  return trimmed.endsWith('.0') ? trimmed.slice(0, -2) : trimmed;
}

/** Parses one CSV record; a malformed line gives its problem instead. */
export function parseRetailRecord(
  record: string[],
  row: number,
): RetailLine | { row: number; problem: string } {
  const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country] =
    record;
  if (record.length < 8) return { row, problem: `expected 8 columns, got ${record.length}` };
  const when = new Date(`${invoiceDate.replace(' ', 'T')}Z`);
  const qty = Number(quantity);
  const price = Number(unitPrice);
  if (Number.isNaN(when.getTime()))
    return { row, problem: `bad InvoiceDate ${JSON.stringify(invoiceDate)}` };
  if (!Number.isInteger(qty)) return { row, problem: `bad Quantity ${JSON.stringify(quantity)}` };
  if (!Number.isFinite(price))
    return { row, problem: `bad UnitPrice ${JSON.stringify(unitPrice)}` };
  return {
    row,
    invoiceNo,
    stockCode,
    description: description.trim(),
    quantity: qty,
    invoiceDate: when,
    day: invoiceDate.slice(0, 10),
    unitPrice: price,
    customerId: normaliseCustomerId(customerId),
    country,
    cancelled: invoiceNo.startsWith('C'),
  };
}

/** Every line of Online Retail in file order, a chunk of lines at a time. */
export function readOnlineRetailChunks(
  dataDir: string,
): AsyncGenerator<(RetailLine | { row: number; problem: string })[]> {
  const path = dataFile(dataDir, ...ONLINE_RETAIL_FILE);
  return parseCsvChunks(path, { from_line: 2 }, parseRetailRecord);
}

/** Streams every line of Online Retail in file order; malformed lines come with a `problem`. */
export async function* readOnlineRetail(
  dataDir: string,
): AsyncGenerator<RetailLine | { row: number; problem: string }> {
  for await (const chunk of readOnlineRetailChunks(dataDir)) yield* chunk;
}

/** Only the well-formed lines, for training and benchmarks. */
export async function loadOnlineRetail(dataDir: string): Promise<RetailLine[]> {
  const lines: RetailLine[] = [];
  for await (const line of readOnlineRetail(dataDir)) if (!('problem' in line)) lines.push(line);
  return lines;
}
