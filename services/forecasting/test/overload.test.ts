import { memoryLogger, type ServiceApp } from '@qm/kit';
import { drainSeconds, ForecastPool } from '../src/adapters/forecast-pool';
import { buildApp } from '../src/app';

const batch = (n: number, length: number) => ({
  horizon: 28,
  model: 'arima',
  series: Array.from({ length: n }, (_, k) => ({
    id: `s${k}`,
    start: '2011-01-01',
    values: Array.from({ length }, (_, i) => 10 + 5 * Math.sin(i / 7 + k) + ((i * 31 + k) % 7)),
  })),
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('drainSeconds', () => {
  it('divides the queued values by the rate the workers fitted at while busy', () => {
    expect(drainSeconds(3_000, 6_000, 2_000)).toBe(1);
    expect(drainSeconds(30_000, 1_000, 500)).toBe(15);
  });

  it('has no estimate before the workers have fitted anything', () => {
    expect(drainSeconds(3_000, 0, 0)).toBeUndefined();
  });
});

describe('forecast worker pool under load', () => {
  let app: ServiceApp;
  // 16 series of 200 values = 3,200 values: one batch fits, a second one does not.
  const pool = new ForecastPool(1, undefined, undefined, 5_000);
  const { log, lines } = memoryLogger('warn');

  beforeAll(async () => {
    app = await buildApp({ log, pool });
  });

  afterAll(async () => {
    await app.close();
    await pool.close();
  });

  const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/forecasts', payload });

  it('answers 503 with Retry-After and a coded error while the worker queue is full', async () => {
    const first = post(batch(16, 200));
    await waitFor(() => pool.queuedValues > 0);

    const shed = await post(batch(16, 200));
    expect(shed.statusCode).toBe(503);
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect(shed.json()).toMatchObject({ statusCode: 503, code: 'FORECAST_OVERLOADED' });

    expect((await first).statusCode).toBe(200);
    expect(pool.queuedValues).toBe(0);
    // Before any estimate too, shedding is a choice logged at warn, not an error.
    expect(lines.map((l) => [l.level, l.code])).toEqual([[40, 'FORECAST_OVERLOADED']]);
  });

  it('asks for a Retry-After from how fast the workers fitted earlier batches', async () => {
    expect((await post(batch(16, 200))).statusCode).toBe(200);
    const first = post(batch(16, 200));
    await waitFor(() => pool.queuedValues > 0);

    const shed = await post(batch(16, 200));
    expect(shed.statusCode).toBe(503);
    const estimate = shed.json().details.retryAfterSeconds as number;
    expect(estimate).toBeGreaterThan(0);
    expect(shed.headers['retry-after']).toBe(String(Math.max(1, Math.ceil(estimate))));
    expect((await first).statusCode).toBe(200);
  });

  it('still fits small batches on the calling thread while the workers are busy', async () => {
    const first = post(batch(16, 200));
    await waitFor(() => pool.queuedValues > 0);

    const small = await post(batch(2, 50));
    expect(small.statusCode).toBe(200);
    expect((await first).statusCode).toBe(200);
  });

  it('runs a batch larger than the bound when the workers are idle', async () => {
    const big = await post(batch(20, 400));
    expect(big.statusCode).toBe(200);
    expect(big.json().forecasts).toHaveLength(20);
  });
});
