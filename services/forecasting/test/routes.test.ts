import { createLogger, type ServiceApp } from '@qm/kit';
import { ForecastPool } from '../src/adapters/forecast-pool';
import { buildApp } from '../src/app';
import { forecastSeries } from '../src/domain/forecast';
import { SkuForecasts } from '../src/domain/sku-forecasts';

const weekly = Array.from({ length: 70 }, (_, i) => [5, 7, 6, 8, 9, 2, 0][i % 7] + (i % 3));

describe('forecast routes', () => {
  let app: ServiceApp;
  const pool = new ForecastPool(0, undefined);
  const skus = new SkuForecasts({
    history: async (sku) =>
      sku === '85123A' ? { start: '2011-01-01', y: weekly, version: 1 } : undefined,
    forecast: async (series, options, withBacktest) =>
      series.map((s) => forecastSeries(s, options, undefined, withBacktest)),
    defaultHorizon: 28,
  });

  beforeAll(async () => {
    app = await buildApp({ log: createLogger('forecasting-test', 'silent'), pool, skus });
  });

  afterAll(async () => {
    await app.close();
    await pool.close();
  });

  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/forecasts', payload });

  it('forecasts series sent as values with the default levels', async () => {
    const reply = await post({
      horizon: 7,
      model: 'ets',
      series: [{ id: 'A', start: '2011-01-01', values: weekly }],
    });
    expect(reply.statusCode).toBe(200);
    const [f] = reply.json().forecasts;
    expect(f.id).toBe('A');
    expect(f.start).toBe('2011-03-12');
    expect(f.mean).toHaveLength(7);
    expect(Object.keys(f.lower).sort()).toEqual(['80', '95']);
    expect(f.model).toMatch(/^ets\(/);
  });

  it('accepts dated points with gaps, duplicates and nulls', async () => {
    const reply = await post({
      horizon: 3,
      levels: [50],
      model: 'naive',
      series: [
        {
          id: 'B',
          points: [
            { date: '2011-01-01', value: 1 },
            { date: '2011-01-04', value: 2 },
            { date: '2011-01-04', value: 3 },
            { date: '2011-01-05', value: null },
          ],
        },
      ],
    });
    expect(reply.statusCode).toBe(200);
    const [f] = reply.json().forecasts;
    expect(f.start).toBe('2011-01-06');
    expect(f.mean).toEqual([5, 5, 5]);
    expect(f.warnings.join(' ')).toMatch(/missing/);
  });

  it.each([
    [
      'an empty history',
      { series: [{ id: 'A', start: '2011-01-01', values: [] }] },
      'series[0].values',
    ],
    [
      'a wrong type',
      { series: [{ id: 'A', start: '2011-01-01', values: ['x'] }] },
      'series[0].values[0]',
    ],
    [
      'an unknown model',
      { model: 'prophet', series: [{ id: 'A', start: '2011-01-01', values: [1] }] },
      'model',
    ],
    [
      'an unknown frequency',
      { frequency: 'H', series: [{ id: 'A', start: '2011-01-01', values: [1] }] },
      'frequency',
    ],
    [
      'a horizon of zero',
      { horizon: 0, series: [{ id: 'A', start: '2011-01-01', values: [1] }] },
      'horizon',
    ],
    [
      'a horizon too far',
      { horizon: 5000, series: [{ id: 'A', start: '2011-01-01', values: [1] }] },
      'horizon',
    ],
    ['values without a start', { series: [{ id: 'A', values: [1, 2] }] }, 'series[0].start'],
    ['no history at all', { series: [{ id: 'A', start: '2011-01-01' }] }, 'series[0].values'],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    const reply = await post(body);
    expect(reply.statusCode).toBe(400);
    expect(reply.json().field).toContain(field);
  });

  it('answers 400 by field for a series over centuries or with values beyond 1e15', async () => {
    const span = await post({
      series: [
        {
          id: 'OLD',
          points: [
            { date: '0001-01-01', value: 1 },
            { date: '2011-12-31', value: 1 },
          ],
        },
      ],
    });
    expect(span.statusCode).toBe(400);
    expect(span.json()).toMatchObject({ code: 'INVALID_DATE', field: 'series[0].points[0].date' });

    const long = await post({
      series: [
        {
          id: 'LONG',
          points: [
            { date: '1900-01-01', value: 1 },
            { date: '2011-12-31', value: 1 },
          ],
        },
      ],
    });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'SERIES_TOO_LONG', field: 'series[0].points' });

    const huge = await post({ series: [{ id: 'HUGE', start: '2011-01-01', values: [1e308, 1] }] });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().field).toBe('series[0].values[0]');
  });

  it('refuses a series whose forecast runs past 2200-12-31, naming start or points', async () => {
    const late = await post({
      horizon: 28,
      series: [{ id: 'LATE', start: '2200-12-31', values: [1, 2, 3] }],
    });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'INVALID_DATE', field: 'series[0].start' });

    const dated = await post({
      horizon: 28,
      series: [{ id: 'DATED', points: [{ date: '2200-12-20', value: 1 }] }],
    });
    expect(dated.statusCode).toBe(400);
    expect(dated.json()).toMatchObject({ code: 'INVALID_DATE', field: 'series[0].points' });

    const last = await post({
      horizon: 30,
      model: 'naive',
      series: [{ id: 'LAST', start: '2200-11-29', values: [1, 2, 3] }],
    });
    expect(last.statusCode).toBe(200);
    expect(last.json().forecasts[0]).toMatchObject({ start: '2200-12-02' });
    expect(last.json().forecasts[0].mean).toHaveLength(30);
  });

  it('refuses two series of one id, naming the second', async () => {
    const one = { id: 'mug', start: '2011-01-01', values: [1, 2, 3] };
    const reply = await post({ series: [one, { id: 'jug', values: [4] }, one] });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ code: 'DUPLICATE_SERIES', field: 'series[2].id' });
  });

  it('refuses more than 1,000 series', async () => {
    const series = Array.from({ length: 1001 }, (_, i) => ({
      id: `s${i}`,
      start: '2011-01-01',
      values: [1],
    }));
    const reply = await post({ series });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().field).toBe('series');
  });

  it("serves a known SKU's forecast from its demand history", async () => {
    const reply = await app.inject({ method: 'GET', url: '/v1/forecasts/85123A?horizon=14' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body.sku).toBe('85123A');
    expect(body.mean).toHaveLength(14);
    expect(body.mean.every((v: number) => v >= 0)).toBe(true);
  });

  it('refuses a horizon written as hex or with an exponent (not read as 16)', async () => {
    for (const horizon of ['0x10', '1.6e1']) {
      const reply = await app.inject({
        method: 'GET',
        url: `/v1/forecasts/85123A?horizon=${horizon}`,
      });
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'horizon' });
    }
  });

  it('answers 404 for a SKU without sales', async () => {
    const reply = await app.inject({ method: 'GET', url: '/v1/forecasts/NOPE' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().code).toBe('SKU_NOT_FOUND');
  });

  it("shows each candidate's backtest errors for a SKU", async () => {
    const reply = await app.inject({ method: 'GET', url: '/v1/forecasts/85123A/backtest' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    expect(body.candidates.map((c: { model: string }) => c.model)).toEqual(
      expect.arrayContaining(['seasonal_naive', 'ets', 'sba']),
    );
    expect(
      body.candidates.every((c: { mase: number | null }) => c.mase === null || c.mase >= 0),
    ).toBe(true);
  });
});
