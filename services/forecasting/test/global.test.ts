import { forecastSeries } from '../src/domain/forecast';
import { predictGbt, trainGbt } from '../src/domain/global/gbt';
import { GlobalModel, trainGlobal } from '../src/domain/global/model';

const pattern = [5, 7, 6, 8, 9, 0, 1];
const synthetic = Array.from({ length: 20 }, (_, k) => ({
  start: '2011-01-03',
  y: Array.from({ length: 120 }, (_, i) => (k + 1) * (pattern[i % 7] + ((i * (k + 3)) % 3))),
}));
const small = { trees: 30, rate: 0.2, depth: 4, minLeaf: 20, rowSample: 0.8, colSample: 0.8 };

describe('boosted trees with absolute-error loss', () => {
  it('learns a step function and predicts its median', () => {
    const rows = 2000;
    const x = new Float32Array(rows * 2);
    const y = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      x[i * 2] = (i % 100) / 100;
      x[i * 2 + 1] = i % 7;
      y[i] = x[i * 2] > 0.5 ? 10 : 2;
    }
    const model = trainGbt(x, y, 2, { ...small, trees: 60, seed: 3 });
    expect(predictGbt(model, [0.9, 1])).toBeCloseTo(10, 0);
    expect(predictGbt(model, [0.1, 1])).toBeCloseTo(2, 0);
  });
});

describe('global model', () => {
  const model = new GlobalModel(
    trainGlobal(synthetic, { horizon: 14, trainedUntil: '2011-05-02', gbt: small, seeds: [1] }),
  );

  it('gives the same answer scaled for a series around ten million', () => {
    const y = synthetic[4].y;
    const a = model.forecast(y, '2011-05-03', 14);
    const b = model.forecast(
      y.map((v) => v * 1e7),
      '2011-05-03',
      14,
    );
    b.mean.forEach((v, i) => expect(v / 1e7).toBeCloseTo(a.mean[i], 6));
  });

  it('follows the weekly pattern of a series it has learnt from', () => {
    const y = synthetic[2].y;
    const out = model.forecast(y, '2011-05-03', 7);
    const weekday = out.mean.indexOf(Math.min(...out.mean));
    // The quiet days of the pattern are positions 5 and 6 of the week.
    expect([5, 6]).toContain((y.length + weekday) % 7);
    expect(out.mean.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(Math.min(...out.mean)).toBeLessThan(Math.max(...out.mean) / 2);
  });

  it('is what auto uses for daily series, and not for weekly ones', () => {
    const series = { id: 'A', start: '2011-01-03', y: synthetic[1].y, warnings: [] };
    const daily = forecastSeries(
      series,
      { horizon: 7, frequency: 'D', levels: [80], model: 'auto' },
      model,
    );
    expect(daily.model).toBe('global');
    const weekly = forecastSeries(
      series,
      { horizon: 7, frequency: 'W', levels: [80], model: 'auto' },
      model,
    );
    expect(weekly.model).not.toBe('global');
  });

  it('leaves a constant or a straight line to the simple model that reproduces it', () => {
    const options = { horizon: 10, frequency: 'D' as const, levels: [95], model: 'auto' };
    const flat = forecastSeries(
      { id: 'C', start: '2011-01-03', y: Array(30).fill(7), warnings: [] },
      options,
      model,
    );
    expect(flat.model).toBe('naive');
    expect(flat.mean).toEqual(Array(10).fill(7));
    expect(flat.lower['95']).toEqual(flat.upper['95']);

    const ramp = Array.from({ length: 100 }, (_, i) => i + 1);
    const line = forecastSeries(
      { id: 'R', start: '2011-01-03', y: ramp, warnings: [] },
      options,
      model,
    );
    expect(line.model).toMatch(/^linear_regression/);
    line.mean.forEach((v, i) => expect(v).toBeCloseTo(101 + i, 6));
  });
});
