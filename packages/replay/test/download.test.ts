import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import yazl from 'yazl';
import {
  ONLINE_RETAIL_FILE,
  readCsv,
  readOnlineRetail,
  resolveDataDir,
  type RetailLine,
} from '@qm/datasets';
import { InvoicePositions } from '../src/events';
import { MissingDataError, prepareData, SetDownloadError } from '../src/fetch-sets';
import { saleLineFromRetail, type SetName } from '../src';

/** Lines of the shared copy that go into the fixture workbook. */
const FIXTURE_LINES = 3000;
const HEADER = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

type Cell = string | number | Date | null;

/** A CSV record as UCI's workbook holds it: numbers as numbers, dates as dates. */
function sheetRow(record: string[]): Cell[] {
  const [invoice, stockCode, description, quantity, date, price, customer, country] = record;
  const numeric = (text: string) => (/^\d+$/.test(text) ? Number(text) : text);
  return [
    numeric(invoice),
    numeric(stockCode),
    description === '' ? null : description,
    Number(quantity),
    new Date(`${date.replace(' ', 'T')}Z`),
    Number(price),
    customer === '' ? null : Number(customer),
    country,
  ];
}

/** UCI's download: a zip holding `Online Retail.xlsx`. */
async function retailZip(rows: Cell[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Online Retail');
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  sheet.getColumn(5).numFmt = 'm/d/yyyy h:mm';
  const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());

  const zip = new yazl.ZipFile();
  zip.addBuffer(xlsx, 'Online Retail.xlsx');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sharedRecords(count: number): Promise<string[][]> {
  const path = join(resolveDataDir(), ...ONLINE_RETAIL_FILE);
  const records: string[][] = [];
  for await (const record of readCsv(path, { from_line: 2 })) {
    records.push(record);
    if (records.length >= count) break;
  }
  return records;
}

/** The sale events of the first `count` lines read from a data directory. */
async function saleEvents(dataDir: string, count: number) {
  const positions = new InvoicePositions();
  const events = [];
  for await (const line of readOnlineRetail(dataDir)) {
    if (line.row >= count) break;
    if ('problem' in line) throw new Error(`row ${line.row}: ${line.problem}`);
    events.push(saleLineFromRetail(line, positions.take(line.invoiceNo)));
  }
  return events;
}

async function allLines(dataDir: string): Promise<RetailLine[]> {
  const lines: RetailLine[] = [];
  for await (const line of readOnlineRetail(dataDir)) {
    if ('problem' in line) throw new Error(`row ${line.row}: ${line.problem}`);
    lines.push(line);
  }
  return lines;
}

describe('downloading a set into the cache', () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  let served: Buffer = Buffer.alloc(0);
  let said: string[];

  const prepare = (url: string, sets: SetName[] = ['online-retail'], explicit = true) =>
    prepareData({
      defaultDir: join(dir, 'no-shared-data'),
      cacheDir: join(dir, 'cache'),
      sets,
      explicit,
      urls: { 'online-retail': url },
      say: (line) => said.push(line),
    });

  beforeAll(async () => {
    // The publisher's path answers with a redirect, as download sites often do.
    server = createServer((req, res) => {
      if (req.url === '/static/public/352/online+retail.zip') {
        res.writeHead(302, { location: '/files/online+retail.zip' }).end();
      } else if (req.url === '/files/online+retail.zip') {
        res.writeHead(200, { 'content-length': served.length }).end(served);
      } else {
        res.writeHead(404).end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qm-download-'));
    said = [];
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns the UCI workbook into a file giving the same events as the shared copy', async () => {
    const records = await sharedRecords(FIXTURE_LINES);
    served = await retailZip(records.map(sheetRow));

    const data = await prepare(`${baseUrl}/static/public/352/online+retail.zip`);

    expect(data).toEqual({ dir: join(dir, 'cache'), sets: ['online-retail'], skipped: [] });
    expect(await saleEvents(data.dir, FIXTURE_LINES)).toEqual(
      await saleEvents(resolveDataDir(), FIXTURE_LINES),
    );
    expect(readdirSync(join(data.dir, 'online-retail'))).toEqual(['online_retail.csv.gz']);
    expect(said[0]).toMatch(/^data: +no data directory .* using the download cache /);
    expect(said.join('\n')).toMatch(`${FIXTURE_LINES.toLocaleString('en')} lines in `);
  });

  it('orders lines by day, keeps the held-out days aside and reads serial dates', async () => {
    served = await retailZip([
      [
        536366,
        22633,
        'HAND WARMER, "UNION" JACK',
        6,
        new Date('2010-12-02T08:28:00Z'),
        1.85,
        17850,
        'UK',
      ],
      ['C536379', 'D', 'Discount', -1, 40513.404861111, 27.5, null, 'UK'],
      [581475, 22596, 'LATE LINE', 36, new Date('2011-11-12T10:00:00Z'), 0.39, 13069, 'UK'],
      [536365, '85123A', null, 6, new Date('2010-12-01T08:26:00Z'), 2.55, 17850, 'UK'],
    ]);

    const data = await prepare(`${baseUrl}/files/online+retail.zip`);
    const lines = await allLines(data.dir);

    expect(lines.map((l) => [l.invoiceNo, l.stockCode, l.day])).toEqual([
      ['C536379', 'D', '2010-12-01'],
      ['536365', '85123A', '2010-12-01'],
      ['536366', '22633', '2010-12-02'],
    ]);
    expect(lines[0]).toMatchObject({
      invoiceDate: new Date('2010-12-01T09:43:00Z'),
      customerId: '',
      cancelled: true,
    });
    expect(lines[1]).toMatchObject({ description: '', customerId: '17850', quantity: 6 });
    expect(lines[2]).toMatchObject({ description: 'HAND WARMER, "UNION" JACK', unitPrice: 1.85 });
    expect(said.join('\n')).toMatch('1 lines from 2011-11-12 on kept aside');
  });

  it('fails in one line naming the set, address and cause on a closed network', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const url = `http://127.0.0.1:${port}/static/public/352/online+retail.zip`;

    const failure = await prepare(url).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SetDownloadError);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(
      new RegExp(
        `^online-retail: cannot download ${url.replace(/[.+]/g, '\\$&')}: connect ECONNREFUSED`,
      ),
    );
    expect(message).toMatch(/set QM_DATA_DIR to a directory that holds the data sets\.$/);
    expect(existsSync(join(dir, 'cache', ...ONLINE_RETAIL_FILE))).toBe(false);
  });

  it('leaves nothing behind when the server answers with an error', async () => {
    const failure = await prepare(`${baseUrl}/missing.zip`).catch((error: unknown) => error);

    expect((failure as Error).message).toMatch(/cannot download .*: HTTP 404\./);
    expect(readdirSync(join(dir, 'cache', 'online-retail'))).toEqual([]);
  });

  it('skips the sets without a public download from all, and refuses one named alone', async () => {
    served = await retailZip((await sharedRecords(10)).map(sheetRow));
    const url = `${baseUrl}/files/online+retail.zip`;

    const data = await prepare(url, ['online-retail', 'taobao'], false);
    expect(data.sets).toEqual(['online-retail']);
    expect(data.skipped).toEqual(['taobao']);
    expect(said.some((l) => /^skip: +taobao has no public download/.test(l))).toBe(true);

    await expect(prepare(url, ['taobao'], true)).rejects.toBeInstanceOf(MissingDataError);
  });
});
