import { computePolicy, DEFAULT_SETTINGS } from '../src/domain/policy';
import { DEFAULT_EMPIRICAL, type EmpiricalOptions } from '../src/domain/demand';
import type { StoredForecast } from '../src/adapters/store';
import { forecastFrom } from '../src/inventory';
import { fillAtStock, point, stockForFill, type Point } from './frontier';
import { forecastQuantileLevels, publishedForecasts } from './published-forecasts';
import { loadDailyDemand } from './retail-demand';
import { replay, type Levels, type Outcome } from './simulate-core';

/**
 * Replays real daily demand against each SKU's (reorder point, order-up-to) policy: daily
 * review, fixed lead time, lost sales, starting at the order-up-to level. "Served" is what
 * `GET /v1/inventory/policies/{sku}` answers once the days before the window were replayed:
 * the SKU's last 364 days and the forecast the forecasting service would have published.
 * Usage:
 *   pnpm bench:inventory [--test-start 2011-10-15] [--days 28] [--skus 500]
 *     [--half-life 112] [--window 364] [--level-days 0] [--weekday-weight 1]
 *     [--no-forecast] [--frontier]
 * The default window is the 28 days before the held-out month; tuning used 2011-08-20 and
 * 2011-09-17.
 */
const LEAD_TIME = 7;
const SERVICE_LEVEL = 0.95;
/** Days of history the service reads for a policy. */
const HISTORY_DAYS = DEFAULT_EMPIRICAL.windowDays;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean, sd };
}

function textbook(history: number[], z = 1.645): Levels {
  const { mean, sd } = meanSd(history.slice(-56));
  const rop = mean * LEAD_TIME + z * sd * Math.sqrt(LEAD_TIME);
  return { reorderPoint: Math.ceil(rop), orderUpTo: Math.ceil(rop + 14 * mean) };
}

function daysOfCover(history: number[]): Levels {
  const level = Math.ceil(14 * meanSd(history.slice(-56)).mean);
  return { reorderPoint: level, orderUpTo: level };
}

interface Sku {
  sku: string;
  history: number[];
  future: number[];
  forecast?: StoredForecast;
}

async function main(): Promise<void> {
  const testStart = arg('test-start', '2011-10-15');
  const horizon = Number(arg('days', '28'));
  const skuCount = Number(arg('skus', '500'));
  const withForecast = !process.argv.includes('--no-forecast');
  const empirical: EmpiricalOptions = {
    ...DEFAULT_EMPIRICAL,
    halfLifeDays: Number(arg('half-life', String(DEFAULT_EMPIRICAL.halfLifeDays))),
    windowDays: Number(arg('window', String(DEFAULT_EMPIRICAL.windowDays))),
    levelDays: Number(arg('level-days', String(DEFAULT_EMPIRICAL.levelDays))),
    weekdayWeight: Number(arg('weekday-weight', String(DEFAULT_EMPIRICAL.weekdayWeight))),
  };

  const data = await loadDailyDemand();
  const start = data.days.indexOf(testStart);
  if (start < 56 || start + horizon > data.days.length) {
    throw new Error(`test window ${testStart} + ${horizon} days is outside the data`);
  }
  // The service's business date is the last day with sales; forecasts start the day after.
  const asOf = data.days[start - 1];
  const volume = (s: number[]) => s.slice(0, start).reduce((a, b) => a + b, 0);
  const ranked = [...data.bySku.entries()]
    .sort((a, b) => volume(b[1]) - volume(a[1]))
    .slice(0, skuCount);
  const forecasts = withForecast
    ? await publishedForecasts(
        data,
        ranked.map(([sku]) => sku),
        testStart,
        (line) => console.log(line),
      )
    : new Map<string, StoredForecast>();
  const skus: Sku[] = ranked.map(([sku, series]) => ({
    sku,
    history: series.slice(Math.max(0, start - HISTORY_DAYS), start),
    future: series.slice(start, start + horizon),
    forecast: forecasts.get(sku),
  }));

  const served = (s: Sku, serviceLevel = SERVICE_LEVEL) =>
    computePolicy({
      history: s.history,
      forecast: forecastFrom(s.forecast ?? null, asOf),
      onHand: 0,
      asOf,
      empirical,
      settings: { ...DEFAULT_SETTINGS, leadTimeDays: LEAD_TIME, serviceLevel },
    });

  const policies: Record<string, (s: Sku) => Levels | undefined> = {
    'textbook normal (56 d, z=1.645, 2 wk cycle)': (s) => textbook(s.history),
    '14 days of cover': (s) => daysOfCover(s.history),
    ...(withForecast
      ? {
          'published forecast, NB quantile': (s: Sku) =>
            s.forecast && forecastQuantileLevels(s.forecast, LEAD_TIME, SERVICE_LEVEL),
        }
      : {}),
    'served (ours)': (s) => served(s),
  };
  const frontier = process.argv.includes('--frontier');
  const textbookCurve = [1.0, 1.28, 1.645, 2.05, 2.33, 2.75, 3.2];
  const oursCurve = [0.8, 0.9, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99];
  if (frontier) {
    for (const z of textbookCurve) policies[`textbook z=${z}`] = (s) => textbook(s.history, z);
    for (const sl of oursCurve) policies[`served, service level ${sl}`] = (s) => served(s, sl);
  }

  const methods = new Map<string, number>();
  for (const s of skus) {
    const m = served(s).method;
    methods.set(m, (methods.get(m) ?? 0) + 1);
  }
  console.log(
    `test window ${testStart} + ${horizon} days, ${skus.length} SKUs, lead time ` +
      `${LEAD_TIME} d, service level ${SERVICE_LEVEL}, daily review, lost sales`,
  );
  console.log(
    `served: ${forecasts.size} forecasts, half-life ${empirical.halfLifeDays} d, window ` +
      `${empirical.windowDays} d, level ${empirical.levelDays} d, weekday weight ` +
      `${empirical.weekdayWeight}, methods ${JSON.stringify(Object.fromEntries(methods))}`,
  );

  const points = new Map<string, Point>();
  for (const [name, policy] of Object.entries(policies)) {
    const total: Outcome = { demand: 0, filled: 0, onHandSum: 0, stockoutDays: 0 };
    for (const s of skus) {
      const o = replay(policy(s) ?? { reorderPoint: 0, orderUpTo: 0 }, s.future, LEAD_TIME);
      total.demand += o.demand;
      total.filled += o.filled;
      total.onHandSum += o.onHandSum;
      total.stockoutDays += o.stockoutDays;
    }
    const p = point(name, total, horizon, skus.length);
    points.set(name, p);
    console.log(
      `${name.padEnd(44)} fill ${p.fill.toFixed(1)}%  on hand ${p.onHand.toFixed(0)} ` +
        `units/SKU  stock-out days ${p.stockoutsPerSku.toFixed(2)}/SKU ` +
        `(${total.stockoutDays} total)`,
    );
  }
  if (frontier) compareAtEqualStock(points, textbookCurve, oursCurve);
}

/** Reads the two frontiers against each other: same stock, same fill. */
function compareAtEqualStock(points: Map<string, Point>, zs: number[], sls: number[]): void {
  const book = zs.map((z) => points.get(`textbook z=${z}`) as Point);
  const ours = sls.map((sl) => points.get(`served, service level ${sl}`) as Point);
  const reference = points.get('textbook z=1.645') as Point;
  const fmt = (x: number | undefined, digits: number, unit = '') =>
    x === undefined ? 'n/a' : `${x.toFixed(digits)}${unit}`;
  const stock = stockForFill(ours, reference.fill);
  console.log(
    `frontier: with the textbook's ${reference.onHand.toFixed(0)} units ours fills ` +
      `${fmt(fillAtStock(ours, reference.onHand), 1, '%')}; ` +
      `for its ${reference.fill.toFixed(1)}% ` +
      `ours needs ${fmt(stock, 0)} units ` +
      `(${fmt(stock && (100 * stock) / reference.onHand, 0, '%')})`,
  );
  for (const units of [300, 350, 400]) {
    console.log(
      `frontier at ${units} units/SKU: textbook ${fmt(fillAtStock(book, units), 1, '%')}, ` +
        `ours ${fmt(fillAtStock(ours, units), 1, '%')}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
