import { computePolicy, DEFAULT_SETTINGS, roundOrder, type Policy } from '../src/domain/policy';
import { demandFromHistory, demandStopped } from '../src/domain/demand';
import {
  economicLevel,
  fillRateLevel,
  holdingPerLostUnit,
  reorderLevel,
} from '../src/domain/reorder-level';
import { countQuantile, normalQuantile } from '../src/domain/stats';

const numericFigures = (p: Policy) => [
  p.meanDailyDemand,
  p.leadTimeDemand,
  p.safetyStock,
  p.reorderPoint,
  p.orderUpTo,
  p.orderQuantity,
  p.inventoryPosition,
  p.daysOfCover,
  p.excessStock,
];

/** A deterministic lumpy series: mostly small daily orders, a big wholesale order weekly. */
function lumpySeries(days: number): number[] {
  return Array.from({ length: days }, (_, i) =>
    i % 7 === 3 ? 240 : i % 7 === 6 ? 0 : 10 + (i % 5),
  );
}

describe('computePolicy', () => {
  it('gives finite non-negative figures and orders nothing for a fading series', () => {
    const p = computePolicy({
      history: [50, 40, 30, 20, 10, 5, 0, 0, 0, 0],
      onHand: 3,
      asOf: '2011-11-01',
      settings: { ...DEFAULT_SETTINGS, leadTimeDays: 5, serviceLevel: 0.95 },
    });
    for (const x of numericFigures(p)) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
    }
    expect(Number.isInteger(p.orderQuantity)).toBe(true);
    expect(p.orderQuantity).toBe(0);
    expect(p.method).toBe('dormant');
  });

  it('answers zeros with finite cover for a SKU that never sold', () => {
    const p = computePolicy({
      history: [],
      onHand: 0,
      asOf: '2011-11-01',
      settings: DEFAULT_SETTINGS,
    });
    expect(p.method).toBe('no-demand');
    expect(numericFigures(p).every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(p.orderQuantity).toBe(0);
    expect(p.stockoutDate).toBeNull();
  });

  it('orders up to the order-up-to level in whole packs, at least the minimum', () => {
    const settings = { ...DEFAULT_SETTINGS, packSize: 12, minOrderQuantity: 48 };
    const p = computePolicy({ history: lumpySeries(120), onHand: 5, asOf: '2011-11-01', settings });
    expect(p.method).toBe('empirical-bootstrap');
    expect(p.reorderPoint).toBeGreaterThan(5);
    expect(p.orderQuantity % 12).toBe(0);
    expect(p.orderQuantity).toBeGreaterThanOrEqual(Math.max(48, p.orderUpTo - 5));
    expect(p.stockoutDate).toBe('2011-11-01');
  });

  it('sizes the cycle by the economic order quantity when costs are known', () => {
    const base = { history: lumpySeries(120), onHand: 0, asOf: '2011-11-01' };
    const plain = computePolicy({ ...base, settings: DEFAULT_SETTINGS });
    const costed = computePolicy({
      ...base,
      settings: { ...DEFAULT_SETTINGS, unitCost: 2, orderCost: 50, holdingRate: 0.25 },
    });
    expect(costed.economicOrderQuantity).toBeGreaterThan(0);
    expect(costed.orderUpTo - costed.reorderPoint).toBe(costed.economicOrderQuantity);
    expect(plain.economicOrderQuantity).toBeNull();
  });

  it('protects against a late delivery when the lead time varies', () => {
    const base = { history: lumpySeries(120), onHand: 0, asOf: '2011-11-01' };
    const fixed = computePolicy({ ...base, settings: DEFAULT_SETTINGS });
    const spread = computePolicy({ ...base, settings: { ...DEFAULT_SETTINGS, leadTimeSdDays: 3 } });
    expect(spread.reorderPoint).toBeGreaterThan(fixed.reorderPoint);
  });

  it('lets a forecast above the history raise the demand level, and follows its shape', () => {
    const history = Array.from({ length: 120 }, (_, i) => 8 + (i % 5));
    const base = { history, onHand: 100, asOf: '2011-11-01', settings: DEFAULT_SETTINGS };
    const plain = computePolicy(base);
    const p = computePolicy({
      ...base,
      forecast: { mean: [20, 20, 20], lower95: [5, 5, 5], upper95: [40, 40, 40] },
    });
    expect(plain.method).toBe('empirical-bootstrap');
    expect(p.method).toBe('forecast-quantile');
    expect(p.leadTimeDemand).toBeCloseTo(160, 0);
    expect(p.reorderPoint).toBeGreaterThan(160);
    expect(p.daysOfCover).toBe(5);
    expect(p.stockoutDate).toBe('2011-11-06');
  });

  it('reads a runaway forecast as at most a billion units a day', () => {
    const history = Array.from({ length: 120 }, (_, i) => 8 + (i % 5));
    const huge = Array(28).fill(1e300);
    const p = computePolicy({
      history,
      onHand: 100,
      asOf: '2011-11-01',
      settings: DEFAULT_SETTINGS,
      forecast: { mean: huge, lower95: huge, upper95: huge },
    });
    expect(p.method).toBe('forecast-quantile');
    expect(p.meanDailyDemand).toBe(1e9);
    for (const x of numericFigures(p)) expect(Number.isFinite(x)).toBe(true);
  });

  it('keeps the history level when the forecast is below it, using only its shape', () => {
    const history = Array.from({ length: 120 }, (_, i) => 8 + (i % 5));
    const base = { history, onHand: 30, asOf: '2011-11-01', settings: DEFAULT_SETTINGS };
    const plain = computePolicy(base);
    // A median path for a lumpy SKU sits far below its mean: it must not cut the stock.
    const p = computePolicy({
      ...base,
      forecast: {
        mean: [1, 1, 4, 1, 1, 1, 1],
        lower95: Array(7).fill(0),
        upper95: Array(7).fill(9),
      },
    });
    expect(p.method).toBe('empirical-bootstrap');
    expect(p.reorderPoint).toBe(plain.reorderPoint);
    expect(p.orderUpTo).toBe(plain.orderUpTo);
    // The third day carries four times the others: 30 units last 2 days and a bit, not 3.
    expect(p.daysOfCover).toBeLessThan(plain.daysOfCover);
    expect(p.daysOfCover).toBeGreaterThan(2);
  });

  it('gives finite figures, and returns, for daily demand in the quadrillions', () => {
    const policy = computePolicy({
      history: Array(30).fill(1e15),
      onHand: 0,
      settings: { ...DEFAULT_SETTINGS, unitCost: 1e-300, orderCost: 1e9 },
      asOf: '2011-12-01',
    });
    expect(policy.method).toBe('empirical-bootstrap');
    for (const x of numericFigures(policy)) expect(Number.isFinite(x)).toBe(true);
    expect(policy.economicOrderQuantity).toBeLessThanOrEqual(3650 * 1e15);
  });

  it('falls back to a negative binomial when the history is short', () => {
    const d = demandFromHistory([0, 3, 0, 0, 9], {
      leadTimeDays: 7,
      leadTimeSdDays: 0,
      reviewPeriodDays: 1,
      serviceLevel: 0.95,
    });
    expect(d.method).toBe('negative-binomial');
    expect(d.reorderLevel).toBeGreaterThan(d.mean);
  });
});

describe('demand pieces', () => {
  it('sees that demand stopped only when the run of zeros is unlikely', () => {
    expect(demandStopped([5, 5, 5, 5, 0, 0, 0], 0.95, 182)).toBe(true);
    expect(demandStopped([5, 0, 0, 5, 0, 0, 5, 0, 0], 0.95, 182)).toBe(false);
  });

  it('raises the reorder level until the expected shortfall per cycle fits', () => {
    const cycle = [10, 10, 10, 100];
    const lead = [9, 9, 9, 90];
    const weights = [1, 1, 1, 1];
    const loose = fillRateLevel(cycle, lead, weights, 5);
    const tight = fillRateLevel(cycle, lead, weights, 0.1);
    expect(tight).toBeGreaterThan(loose);
    expect(tight).toBeLessThanOrEqual(100);
  });

  it('stops short of a rare huge order that the fill-rate target alone would chase', () => {
    // 200 days of 10 a day, and one order of 2000 units: the fill-rate target wants it covered.
    const days = Array.from({ length: 200 }, (_, i) => (i === 150 ? 2000 : 10));
    const cycle: number[] = [];
    const lead: number[] = [];
    for (let end = 8; end <= days.length; end++) {
      const block = days.slice(end - 8, end);
      cycle.push(block.reduce((a, b) => a + b, 0));
      lead.push(block.slice(0, 7).reduce((a, b) => a + b, 0));
    }
    const samples = { cycle, lead, weights: cycle.map(() => 1) };
    const target = fillRateLevel(cycle, lead, samples.weights, 0.05 * 20);
    const level = reorderLevel(samples, 0.95, 20, 8);
    expect(target).toBeGreaterThan(1000);
    expect(level).toBeLessThan(200);
    expect(level).toBeGreaterThanOrEqual(80);
    // A dearer lost sale (higher service level) buys the big order back.
    expect(reorderLevel(samples, 0.9999, 20, 8)).toBeGreaterThan(1000);
  });

  it('ends the fill-rate search for levels beyond 2^53 instead of spinning', () => {
    const cycle = [8e15, 8e15, 3e16, 3e16];
    const lead = [7e15, 7e15, 2e16, 2e16];
    const level = fillRateLevel(cycle, lead, [1, 1, 1, 1], 1);
    expect(Number.isSafeInteger(level)).toBe(true);
    expect(level).toBeGreaterThan(7e15);
  });

  it('keeps a unit only while it saves more lost sales than it costs to hold', () => {
    const samples = { cycle: [10, 20, 30, 40], lead: [9, 18, 27, 36], weights: [1, 1, 1, 1] };
    // Raising the level from 30 to 40 saves 1/4 unit short a day: worth it below that price.
    expect(economicLevel(samples, 0.02)).toBe(40);
    expect(economicLevel(samples, 0.3)).toBeLessThan(40);
    expect(holdingPerLostUnit(0.95, 8)).toBeCloseTo(0.05 / 7.6, 10);
  });

  it('rounds orders up to packs and the minimum, and leaves zero at zero', () => {
    const s = { ...DEFAULT_SETTINGS, packSize: 6, minOrderQuantity: 10 };
    expect(roundOrder(0, s)).toBe(0);
    expect(roundOrder(1, s)).toBe(12);
    expect(roundOrder(13, s)).toBe(18);
  });

  it('computes normal and count quantiles', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    // Poisson(4): P(X <= 7) = 0.949, P(X <= 8) = 0.979.
    expect(countQuantile(4, 4, 0.95)).toBe(8);
    expect(countQuantile(4, 40, 0.95)).toBeGreaterThan(8);
    expect(countQuantile(0, 0, 0.95)).toBe(0);
    // A spread that would make the walk long takes the normal instead.
    expect(countQuantile(1000, 1e15, 0.9999999)).toBeGreaterThan(1e8);
  });
});
