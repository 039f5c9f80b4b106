import { assignArm, compareArms, losingArms, reportArms } from '../src/domain/experiments';
import { tTwoSidedP } from '../src/domain/stats';

const arms = [
  { name: 'control', price: 10, weight: 1 },
  { name: 'low', price: 9, weight: 1 },
];

describe('experiment statistics', () => {
  it('matches a hand-computed two-proportion test (100/1000 against 130/1000)', () => {
    const c = compareArms(
      { visitors: 1000, conversions: 100, revenue: 1000, revenueSquares: 10_000 },
      { visitors: 1000, conversions: 130, revenue: 1170, revenueSquares: 10_530 },
    );
    // pooled p = 0.115, se = sqrt(0.115 · 0.885 · 2/1000) = 0.0142671, z = 0.03 / se.
    expect(c?.z).toBeCloseTo(2.10274, 4);
    expect(c?.pConversion).toBeCloseTo(0.03548, 4);
    // unpooled se = sqrt(0.09/1000 + 0.1131/1000) = 0.0142513; CI = 0.03 ± 1.96 · se.
    expect(c?.conversionDiffCi[0]).toBeCloseTo(0.002068, 5);
    expect(c?.conversionDiffCi[1]).toBeCloseTo(0.057932, 5);
    expect(c?.conversionLift).toBeCloseTo(0.3, 10);
  });

  it('computes the Welch t-test of revenue per visitor', () => {
    // Control: 100 buyers of 10 in 1000 visitors; arm: 130 buyers of 9.
    const c = compareArms(
      { visitors: 1000, conversions: 100, revenue: 1000, revenueSquares: 10_000 },
      { visitors: 1000, conversions: 130, revenue: 1170, revenueSquares: 130 * 81 },
    );
    const v0 = (10_000 - 1000 * 1) / 999;
    const v1 = (10_530 - 1000 * 1.17 ** 2) / 999;
    expect(c?.t).toBeCloseTo(0.17 / Math.sqrt(v0 / 1000 + v1 / 1000), 8);
    expect(c?.pRevenue).toBeGreaterThan(0.1);
  });

  it('gives textbook t p-values', () => {
    expect(tTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 3);
    expect(tTwoSidedP(1.96, 1e6)).toBeCloseTo(0.05, 3);
  });

  it('assigns a unit to the same arm every time, and splits traffic by weight', () => {
    expect(assignArm('exp-1', 'user-7', arms)).toEqual(assignArm('exp-1', 'user-7', arms));
    let low = 0;
    for (let i = 0; i < 10_000; i++) if (assignArm('exp-1', `u${i}`, arms).name === 'low') low++;
    expect(low / 10_000).toBeGreaterThan(0.47);
    expect(low / 10_000).toBeLessThan(0.53);
  });

  it('stops a clearly losing arm only after the minimum sample', () => {
    const totals = new Map([
      ['control', { visitors: 2000, conversions: 300, revenue: 3000, revenueSquares: 30_000 }],
      ['low', { visitors: 2000, conversions: 150, revenue: 1350, revenueSquares: 12_150 }],
    ]);
    const reports = reportArms(arms, totals);
    expect(losingArms(reports, 'revenuePerVisitor', 1000)).toEqual(['low']);
    expect(losingArms(reports, 'revenuePerVisitor', 5000)).toEqual([]);
  });
});
