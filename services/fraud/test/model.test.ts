import { seededRandom } from '@qm/learning';
import { applyPlatt, fitPlatt } from '../src/model/calibration';
import { boostedMargin, fitBoosted } from '../src/model/gbdt';
import { fitLogistic, logisticMargin } from '../src/model/logistic';
import { averagePrecision, precisionAt, rocAuc, thresholdForPrecision } from '../src/model/metrics';

/** Fraud when x0 is high and x1 low: an interaction a tree finds and a line only partly. */
function dataset(n: number, seed: number) {
  const random = seededRandom(seed);
  const x: Float64Array[] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = Float64Array.from([random(), random(), random()]);
    x.push(row);
    y[i] = row[0] > 0.7 && row[1] < 0.3 ? (random() < 0.9 ? 1 : 0) : random() < 0.02 ? 1 : 0;
  }
  return { x, y };
}

describe('ranking metrics', () => {
  it('gives 1 to a perfect ranking and the base rate to a constant score', () => {
    const labels = [1, 1, 0, 0, 0];
    expect(averagePrecision([0.9, 0.8, 0.3, 0.2, 0.1], labels)).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.3, 0.2, 0.1], labels)).toBe(1);
    expect(averagePrecision([0.5, 0.5, 0.5, 0.5, 0.5], labels)).toBeCloseTo(0.4);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5, 0.5], labels)).toBe(0.5);
    expect(precisionAt([0.9, 0.1, 0.8, 0.2, 0.3], labels, 2)).toBe(0.5);
  });

  it('finds the lowest threshold reaching a precision', () => {
    expect(thresholdForPrecision([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 1], 0.75)).toBe(0.6);
    expect(thresholdForPrecision([0.9, 0.8, 0.7, 0.6], [1, 1, 0, 1], 1)).toBe(0.8);
  });
});

describe('models', () => {
  const train = dataset(3000, 1);
  const test = dataset(2000, 2);

  it('boosted trees learn an interaction better than logistic regression', () => {
    const trees = fitBoosted(train.x, train.y, { trees: 60, depth: 3, minLeaf: 10 });
    const line = fitLogistic(train.x, train.y, { epochs: 200 });
    const treeAp = averagePrecision(
      test.x.map((r) => boostedMargin(trees, r)),
      test.y,
    );
    const lineAp = averagePrecision(
      test.x.map((r) => logisticMargin(line, r)),
      test.y,
    );
    expect(treeAp).toBeGreaterThan(0.75);
    expect(treeAp).toBeGreaterThan(lineAp);
  });

  it('gives no push to a feature that was constant in training', () => {
    const rows = train.x.map((r) => Float64Array.from([r[0], r[1], 0.1]));
    const line = fitLogistic(rows, train.y, { epochs: 100 });
    const pushes = new Float64Array(3);
    logisticMargin(line, Float64Array.from([0.5, 0.5, 0.1]), pushes);
    expect(pushes[2]).toBe(0);
  });

  it('splits a margin into feature pushes that add up to it', () => {
    const trees = fitBoosted(train.x, train.y, { trees: 20, depth: 3 });
    const pushes = new Float64Array(3);
    const margin = boostedMargin(trees, test.x[0], pushes);
    let root = trees.base;
    for (const t of trees.trees) root += trees.learningRate * t[0].v;
    expect(root + pushes.reduce((s, v) => s + v, 0)).toBeCloseTo(margin, 9);
  });

  it('calibrates margins so the mean probability matches the fraud rate', () => {
    const line = fitLogistic(train.x, train.y, { epochs: 200 });
    const margins = test.x.map((r) => logisticMargin(line, r) * 3 + 1);
    const platt = fitPlatt(margins, test.y);
    const mean = margins.reduce((s, m) => s + applyPlatt(platt, m), 0) / margins.length;
    const rate = test.y.reduce((s, v) => s + v, 0) / test.y.length;
    expect(Math.abs(mean - rate)).toBeLessThan(0.01);
    expect(applyPlatt(platt, 1e6)).toBeLessThanOrEqual(1);
  });
});
