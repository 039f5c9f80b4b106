import { forecastSeries, MODEL_NAMES } from '../src/domain/forecast';
import { LOCAL_MODELS, runLocal } from '../src/domain/models';
import type { Series } from '../src/domain/series';

const LOCAL = Object.keys(LOCAL_MODELS);
const options = (model: string, horizon = 10) => ({
  horizon,
  frequency: 'D' as const,
  levels: [80, 95],
  model,
});
const series = (y: number[], start = '2011-01-01'): Series => ({ id: 'A', start, y, warnings: [] });
const noisy = Array.from(
  { length: 120 },
  (_, i) => 20 + 6 * Math.sin((2 * Math.PI * i) / 7) + ((i * 7919) % 11),
);

function expectFinite(values: number[]) {
  for (const v of values) expect(Number.isFinite(v)).toBe(true);
}

describe('local models', () => {
  it.each(LOCAL)(
    '%s forecasts a constant series as that constant with zero-width intervals',
    (name) => {
      const out = forecastSeries(series(new Array(40).fill(7)), options(name));
      expect(out.mean).toEqual(new Array(10).fill(7));
      expect(out.lower['95']).toEqual(out.mean);
      expect(out.upper['80']).toEqual(out.mean);
      expect(runLocal(name, { y: new Array(40).fill(7), horizon: 3, period: 7 }).fitted).toEqual(
        new Array(40).fill(7),
      );
    },
  );

  it.each(LOCAL)('%s forecasts all zeros as zeros', (name) => {
    const out = forecastSeries(series(new Array(30).fill(0)), options(name));
    expect(out.mean).toEqual(new Array(10).fill(0));
    expect(out.upper['95']).toEqual(new Array(10).fill(0));
  });

  it.each(LOCAL)(
    '%s keeps a weekly series of zeros with one spike finite and within range',
    (name) => {
      const y = new Array(60).fill(0);
      y[40] = 50;
      const out = forecastSeries(series(y), { ...options(name, 13), frequency: 'W' });
      expectFinite([...out.mean, ...out.lower['95'], ...out.upper['95']]);
      for (const v of out.mean) expect(v >= 0 && v <= 50).toBe(true);
    },
  );

  it.each(LOCAL)('%s keeps a monthly [0]*30 + [1, 158] finite and within range', (name) => {
    const y = [...new Array(30).fill(0), 1, 158];
    const out = forecastSeries(series(y), { ...options(name, 12), frequency: 'M' });
    expectFinite([...out.mean, ...out.lower['80'], ...out.upper['80']]);
    for (const v of out.mean) expect(v >= 0 && v <= 158).toBe(true);
  });

  it.each(LOCAL)(
    '%s answers from a history of one point, saying why when it falls back',
    (name) => {
      const out = forecastSeries(series([4]), options(name, 5));
      expect(out.mean).toEqual(new Array(5).fill(4));
    },
  );

  it('falls back from ets to naive on one value and warns that the interval has no width', () => {
    const out = forecastSeries(series([5]), options('ets', 3));
    expect(out.mean).toEqual([5, 5, 5]);
    expect(out.model).toBe('naive');
    expect(out.warnings.join(' ')).toMatch(/ets needs 3 points, got 1: used naive/);
    expect(out.warnings.join(' ')).toMatch(/one observation/);
  });

  it.each(LOCAL)('%s answers from a history of two points with finite values', (name) => {
    const out = forecastSeries(series([4, 6]), options(name, 5));
    expectFinite([...out.mean, ...out.lower['95'], ...out.upper['95']]);
    for (const v of out.lower['95']) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('falls back to naive when a model across SKUs gives non-finite values', () => {
    const runaway = {
      maxHorizon: 28,
      forecast: (_y: number[], _first: string, h: number) => ({
        mean: new Array<number>(h).fill(Number.POSITIVE_INFINITY),
        sigma: new Array<number>(h).fill(Number.NaN),
        warnings: [],
      }),
    };
    const f = forecastSeries(series(noisy), options('global', 7), runaway);
    expect(f.model).toBe('naive');
    expect(f.warnings.join()).toMatch(/non-finite/);
    for (const path of [f.mean, ...Object.values(f.lower), ...Object.values(f.upper)]) {
      expect(path.every(Number.isFinite)).toBe(true);
    }
  });

  it('falls back to naive with a warning when the season is longer than the data', () => {
    const y = [3, 5, 4, 6, 5, 7, 6, 8, 7, 9];
    const out = forecastSeries(series(y), { ...options('seasonal_naive', 4), frequency: 'W' });
    expect(out.mean).toEqual([9, 9, 9, 9]);
    expect(out.warnings.join(' ')).toMatch(/seasonal_naive needs 52 points/);
    const hw = forecastSeries(series(y), { ...options('holt_winters', 4), frequency: 'W' });
    expectFinite(hw.mean);
    expect(hw.warnings.join(' ')).toMatch(/cannot fit/);
  });

  it('extends a straight ramp exactly with linear regression', () => {
    const ramp = Array.from({ length: 100 }, (_, i) => i + 1);
    const out = forecastSeries(series(ramp), options('linear_regression'));
    out.mean.forEach((v, i) => expect(v).toBeCloseTo(101 + i, 9));
  });

  it.each(['ets', 'holt', 'arima', 'polynomial_regression'])(
    '%s extends a straight ramp within 2',
    (name) => {
      const ramp = Array.from({ length: 100 }, (_, i) => i + 1);
      const out = forecastSeries(series(ramp), options(name));
      out.mean.forEach((v, i) => expect(Math.abs(v - (101 + i))).toBeLessThanOrEqual(2));
    },
  );

  it.each(['ets', 'arima', 'sba', 'linear_regression', 'auto'])(
    '%s gives the same answer scaled for a series around ten million',
    (name) => {
      const small = forecastSeries(series(noisy), options(name, 14));
      const big = forecastSeries(series(noisy.map((v) => (v * 1e7) / 20)), options(name, 14));
      big.mean.forEach((v, i) => expect(v / 1e7).toBeCloseTo((small.mean[i] * 1) / 20, 6));
      big.upper['95'].forEach((v, i) => expect(v / 1e7).toBeCloseTo(small.upper['95'][i] / 20, 6));
    },
  );

  it('auto picks a model by backtest and reports it', () => {
    const out = forecastSeries(series(noisy), options('auto', 14), undefined, true);
    expect(
      MODEL_NAMES.some((m) => out.model.includes(m) || out.model.startsWith('combination')),
    ).toBe(true);
    expect(out.backtest?.length).toBeGreaterThan(3);
    expectFinite(out.mean);
  });

  it('widens the 95% interval beyond the 80% one', () => {
    const out = forecastSeries(series(noisy), options('ets', 7));
    out.mean.forEach((_, i) => {
      expect(out.upper['95'][i]).toBeGreaterThan(out.upper['80'][i]);
      expect(out.lower['95'][i]).toBeLessThanOrEqual(out.lower['80'][i]);
    });
  });
});
