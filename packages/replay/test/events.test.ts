import { SaleKind, timestampMs } from '@qm/contracts';
import { parseRetailRecord, type RetailLine } from '@qm/datasets';
import { parseReplayArgs } from '../src/args';
import { InvoicePositions, RetailCatalog, retailKind, saleLineFromRetail } from '../src/events';
import { missingDataMessage, resolveSets } from '../src/sources';

function retail(record: string[], row = 0): RetailLine {
  const line = parseRetailRecord(record, row);
  if ('problem' in line) throw new Error(line.problem);
  return line;
}

const lantern = [
  '536365',
  '71053',
  'WHITE METAL LANTERN',
  '6',
  '2010-12-01 08:26:00',
  '3.39',
  '17850.0',
  'United Kingdom',
];

describe('replay of Online Retail', () => {
  it('turns a line into a sale event with the row as its id and the customer normalised', () => {
    const sale = saleLineFromRetail(retail(lantern, 1), 1);
    expect(sale).toMatchObject({
      eventId: 'online-retail:1',
      orderId: '536365',
      line: 1,
      sku: '71053',
      quantity: 6,
      unitPrice: 3.39,
      currency: 'GBP',
      customerId: '17850',
      kind: SaleKind.SALE,
      source: 'online-retail',
    });
    expect(timestampMs(sale.occurredAt!)).toBe(Date.parse('2010-12-01T08:26:00Z'));
  });

  it('reads C invoices as cancellations and other negative lines as returns', () => {
    const cancelled = retail([
      'C536379',
      'D',
      'Discount',
      '-1',
      '2010-12-01 09:41:00',
      '27.5',
      '',
      'UK',
    ]);
    const returned = retail(['536589', '21777', '', '-10', '2010-12-01 16:50:00', '0', '', 'UK']);
    expect(retailKind(cancelled)).toBe(SaleKind.CANCELLATION);
    expect(retailKind(returned)).toBe(SaleKind.RETURN);
    expect(saleLineFromRetail(returned, 0).customerId).toBe('');
  });

  it('numbers the lines of each invoice from zero', () => {
    const positions = new InvoicePositions();
    expect(['A', 'A', 'B', 'A'].map((i) => positions.take(i))).toEqual([0, 1, 0, 2]);
  });

  it('keeps one product per StockCode with the last positive price and a title', () => {
    const catalog = new RetailCatalog();
    catalog.add(retail(lantern));
    catalog.add(retail(['536366', '71053', '', '1', '2010-12-02 08:26:00', '0', '', 'UK']));
    catalog.add(
      retail([
        '536367',
        '71053',
        'WHITE METAL LANTERN',
        '2',
        '2010-12-03 08:26:00',
        '3.75',
        '',
        'UK',
      ]),
    );
    const products = [...catalog.products()];
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ sku: '71053', title: 'WHITE METAL LANTERN', price: 3.75 });
  });
});

describe('replay command line', () => {
  it('replays every set by default and rejects an unknown one', () => {
    expect(parseReplayArgs([]).sets).toHaveLength(5);
    expect(resolveSets(['taobao', 'taobao'])).toEqual(['taobao']);
    expect(() => parseReplayArgs(['amazon'])).toThrow(/unknown data set amazon/);
  });

  it('reads speed and limit, and refuses a speed that is not positive', () => {
    expect(parseReplayArgs(['--speed', '3600', '--limit', '10'])).toMatchObject({
      speed: 3600,
      limit: 10,
    });
    expect(() => parseReplayArgs(['--speed', '0'])).toThrow('--speed must be a positive number');
  });

  it('says where a missing set comes from and when the replay downloads', () => {
    const text = missingDataMessage('/nowhere', [{ set: 'online-retail', path: '/nowhere/x.gz' }]);
    expect(text).toContain('UCI Machine Learning Repository');
    expect(text).toContain('Only when neither\nexists does it download into its cache');
  });

  it('tells named sets from all, which may skip what cannot be had', () => {
    expect(parseReplayArgs([]).explicit).toBe(false);
    expect(parseReplayArgs(['all']).explicit).toBe(false);
    expect(parseReplayArgs(['online-retail']).explicit).toBe(true);
  });
});
