import { implausibleObservation, newestPerCompetitor } from '../src/domain/competitors';

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

describe('competitor observation times', () => {
  const now = new Date('2024-05-10T12:00:00Z');

  it('accepts times up to a day from now and from 1970 on', () => {
    const times = ['1970-01-01T00:00:00Z', '2024-05-11T11:59:59Z', undefined];
    expect(implausibleObservation(times, now)).toBeUndefined();
  });

  it('names the first time after a day from now or before 1970', () => {
    expect(implausibleObservation(['2024-05-01T00:00:00Z', '2999-01-01T00:00:00Z'], now)).toEqual({
      index: 1,
      message: 'is more than a day after now',
    });
    expect(implausibleObservation(['1969-12-31T23:59:59Z'], now)?.index).toBe(0);
  });
});
