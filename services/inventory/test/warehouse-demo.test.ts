import { ordersToPlace } from '../src/demo/warehouse';
import { forecastFrom } from '../src/inventory';

const signal = (sku: string, status: 'open' | 'closed', orderQuantity: number) => ({
  sku,
  warehouse: 'main',
  status,
  orderQuantity,
  urgency: 'high',
});

describe('simulated warehouse', () => {
  it('orders each open signal once, skipping SKUs already on order and closed ones', () => {
    const pending = new Map([
      ['B\u0000main', { sku: 'B', warehouse: 'main', quantity: 5, dueAt: 0, id: 'x' }],
    ]);
    const orders = ordersToPlace(
      [
        signal('A', 'open', 10),
        signal('A', 'open', 12),
        signal('B', 'open', 3),
        signal('C', 'closed', 0),
        signal('D', 'open', 0),
      ],
      pending,
    );
    expect(orders.map((o) => [o.signal.sku, o.signal.orderQuantity])).toEqual([['A', 12]]);
  });
});

describe('forecastFrom', () => {
  const stored = {
    startDay: '2011-06-01',
    mean: [1, 2, 3],
    lower95: [0, 1, 2],
    upper95: [2, 3, 4],
  };

  it('starts the path on the day after the business date', () => {
    expect(forecastFrom(stored, '2011-06-01')?.mean).toEqual([2, 3]);
    expect(forecastFrom(stored, '2011-05-20')?.mean).toEqual([1, 2, 3]);
  });

  it('drops a forecast that ended before the business date', () => {
    expect(forecastFrom(stored, '2011-06-03')).toBeUndefined();
    expect(forecastFrom(null, '2011-06-01')).toBeUndefined();
  });
});
