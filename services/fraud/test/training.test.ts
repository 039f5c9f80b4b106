import type { FraudPurchase } from '@qm/datasets';
import { FEATURE_NAMES } from '../src/domain/features';
import { stratifiedSplit, validationSplit, withHeldOutAbsent } from '../src/training/evaluate';
import { replay } from '../src/training/replay';

const day = 86_400_000;
const t0 = Date.parse('2015-03-01T00:00:00Z');

function purchase(row: number, device: string, fraud = false): FraudPurchase {
  return {
    row,
    userId: `u${row}`,
    signupTime: new Date(t0 + row * day - 30 * day),
    purchaseTime: new Date(t0 + row * day),
    purchaseValue: 20 + row,
    deviceId: device,
    source: 'SEO',
    browser: 'Chrome',
    sex: 'M',
    age: 30,
    ipAddress: 1000 + row,
    fraud,
  };
}

describe('validation split', () => {
  it('holds out part of the fit rows of each class and none of the reported held-out rows', () => {
    const labels = Uint8Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const outer = stratifiedSplit(labels, 0.3);
    const inner = validationSplit(labels, outer, 0.25);
    expect([...inner.fit, ...inner.held].sort((a, b) => a - b)).toEqual(outer.fit);
    expect(inner.held.some((i) => outer.held.includes(i))).toBe(false);
    const fraud = inner.held.filter((i) => labels[i] === 1).length;
    const outerFraud = outer.fit.filter((i) => labels[i] === 1).length;
    expect(fraud).toBe(Math.round(outerFraud * 0.25));
  });
});

describe('held-out orders absent from the fit stream', () => {
  it('replays fit rows without the held-out orders, keeping the full stream for the rest', () => {
    const purchases = [0, 1, 2, 3].map((row) => purchase(row, 'shared'));
    const set = replay(purchases, {});
    const split = { name: 'test', fit: [0, 2, 3], held: [1] };
    const absent = withHeldOutAbsent(set, split, {});
    const column = FEATURE_NAMES.indexOf('device_orders_all');

    expect(absent.fitRows?.map((r) => r[column])).toEqual([0, 1, 2].map(Math.log1p));
    expect(split.fit.map((i) => set.rows[i][column])).toEqual([0, 2, 3].map(Math.log1p));
    expect(set.rows[1][column]).toBe(Math.log1p(1));
  });
});
