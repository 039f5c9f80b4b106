import { newestPerCompetitor } from '../src/domain/competitors';

const at = (day: number) => new Date(Date.UTC(2024, 4, day));

describe('competitor observations of one batch', () => {
  it('keeps the newest per SKU and competitor, and the later of two equal times', () => {
    const kept = newestPerCompetitor([
      { sku: 'B', competitor: 'acme', price: 1, observedAt: at(2) },
      { sku: 'A', competitor: 'acme', price: 2, observedAt: at(3) },
      { sku: 'A', competitor: 'acme', price: 3, observedAt: at(1) },
      { sku: 'B', competitor: 'acme', price: 4, observedAt: at(2) },
    ]);
    expect(kept.map((p) => [p.sku, p.price])).toEqual([
      ['A', 2],
      ['B', 4],
    ]);
  });
});
