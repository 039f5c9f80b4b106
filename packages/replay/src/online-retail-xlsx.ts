import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

/** The CSV layout the Online Retail reader takes, as in the shared data directory. */
const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

/**
 * The first day kept aside: the shared copy ends before it, and its README keeps the last 28
 * days for evaluation. A downloaded copy is cut at the same day so that it gives the same
 * events.
 */
export const ONLINE_RETAIL_HOLDOUT_FROM = '2011-11-12';

/** Excel's day 0 for serial dates, as milliseconds since the Unix epoch (1899-12-30). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/** What a conversion wrote. */
export interface RetailConversion {
  /** Invoice lines written to the CSV file. */
  lines: number;
  /** Lines on or after {@link ONLINE_RETAIL_HOLDOUT_FROM}, left out. */
  keptAside: number;
}

/** The text of a cell as the shared CSV prints it; `null` for an empty cell. */
function cellValue(value: ExcelJS.CellValue): string | number | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || value instanceof Date) {
    return typeof value === 'boolean' ? String(value) : value;
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return cellValue(value.result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  return null;
}

/** `YYYY-MM-DD HH:MM:SS` of a sheet date, which holds the wall time as if it were UTC. */
function sheetTime(value: string | number | Date | null): string | undefined {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = EXCEL_EPOCH_MS + value * DAY_MS;
  else return undefined;
  // Serial dates are fractions of a day: round to the second the sheet shows.
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A cell as text: numbers as JavaScript prints them, empty cells as nothing. */
function text(value: string | number | Date | null): string {
  if (value === null) return '';
  return value instanceof Date ? (sheetTime(value) ?? '') : String(value);
}

/** CustomerID as the shared copy prints it: a float string such as `17850.0`. */
function customerText(value: string | number | Date | null): string {
  return typeof value === 'number' && Number.isInteger(value) ? `${value}.0` : text(value);
}

/** Opens the first `.xlsx` entry of a zip file; the zip closes when the stream does. */
async function openWorkbookEntry(zipPath: string): Promise<Readable> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      zip.close();
      reject(error);
    };
    zip.on('error', fail);
    zip.on('end', () => fail(new Error(`no .xlsx workbook in ${zipPath}`)));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!/\.xlsx$/i.test(entry.fileName) || entry.fileName.startsWith('__MACOSX/')) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error !== null) return fail(error);
        stream.once('close', () => zip.close());
        resolve(stream);
      });
    });
    zip.readEntry();
  });
}

/**
 * Turns UCI's `Online Retail.xlsx` (inside the zip UCI serves) into the gzipped CSV the
 * reader takes, laid out like the shared copy: the lines in day order (the order of the
 * shared copy, joined from daily files; stable within a day), dates as `YYYY-MM-DD
 * HH:MM:SS`, CustomerID as a float string, and only the days before the kept-aside ones.
 */
export async function convertOnlineRetailZip(
  zipPath: string,
  csvPath: string,
): Promise<RetailConversion> {
  const days = new Map<string, string[]>();
  let keptAside = 0;
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(await openWorkbookEntry(zipPath), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  for await (const sheet of workbook) {
    let header = true;
    for await (const row of sheet) {
      if (header) {
        header = false;
        continue;
      }
      const cells = (row.values as ExcelJS.CellValue[]).slice(1, 9).map(cellValue);
      const [invoice, stockCode, description, quantity, invoiceDate, price, customer, country] =
        cells;
      const when = sheetTime(invoiceDate ?? null) ?? text(invoiceDate ?? null);
      const day = when.slice(0, 10);
      if (day >= ONLINE_RETAIL_HOLDOUT_FROM) {
        keptAside++;
        continue;
      }
      const fields = [
        text(invoice ?? null),
        text(stockCode ?? null),
        text(description ?? null),
        text(quantity ?? null),
        when,
        text(price ?? null),
        customerText(customer ?? null),
        text(country ?? null),
      ];
      let lines = days.get(day);
      if (lines === undefined) {
        lines = [];
        days.set(day, lines);
      }
      lines.push(fields.map(csvField).join(','));
    }
    break;
  }

  const ordered = [...days.keys()].sort();
  const partial = `${csvPath}.part`;
  await mkdir(dirname(csvPath), { recursive: true });
  let lines = 0;
  async function* csv(): AsyncGenerator<string> {
    yield `${HEADER}\n`;
    for (const day of ordered) {
      const dayLines = days.get(day) ?? [];
      lines += dayLines.length;
      yield `${dayLines.join('\n')}\n`;
    }
  }
  try {
    await pipeline(csv(), createGzip(), createWriteStream(partial));
    await rename(partial, csvPath);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { lines, keptAside };
}
