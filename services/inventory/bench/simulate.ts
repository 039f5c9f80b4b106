import { computePolicy, DEFAULT_SETTINGS } from '../src/domain/policy';
import { DEFAULT_EMPIRICAL, type EmpiricalOptions } from '../src/domain/demand';
import { loadDailyDemand } from './retail-demand';
import { replay, type Levels, type Outcome } from './simulate-core';

/**
 * Replays real daily demand against each SKU's (reorder point, order-up-to) policy: daily
 * review, fixed lead time, lost sales, starting at the order-up-to level. Usage:
 *   pnpm bench:inventory [--test-start 2011-10-15] [--days 28] [--skus 500]
 *     [--half-life 56] [--window 182] [--level-days 0]
 *     [--weekday-weight 1] [--frontier]
 * The default window is the 28 days before the held-out month; tuning used 2011-09-17.
 */
const LEAD_TIME = 7;
const SERVICE_LEVEL = 0.95;

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

function ours(
  history: number[],
  asOf: string,
  empirical: EmpiricalOptions,
  serviceLevel = SERVICE_LEVEL,
): Levels {
  const p = computePolicy({
    history,
    onHand: 0,
    asOf,
    empirical,
    settings: { ...DEFAULT_SETTINGS, leadTimeDays: LEAD_TIME, serviceLevel },
  });
  return { reorderPoint: p.reorderPoint, orderUpTo: p.orderUpTo };
}

async function main(): Promise<void> {
  const testStart = arg('test-start', '2011-10-15');
  const horizon = Number(arg('days', '28'));
  const skuCount = Number(arg('skus', '500'));
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
  const volume = (s: number[]) => s.slice(0, start).reduce((a, b) => a + b, 0);
  const skus = [...data.bySku.entries()]
    .sort((a, b) => volume(b[1]) - volume(a[1]))
    .slice(0, skuCount);

  const policies: Record<string, (h: number[]) => Levels> = {
    'textbook normal (56 d, z=1.645, 2 wk cycle)': textbook,
    '14 days of cover': daysOfCover,
    ours: (h) => ours(h, testStart, empirical),
  };
  // With --frontier: the trade-off curves, to compare policies at equal stock.
  if (process.argv.includes('--frontier')) {
    for (const z of [1.28, 1.645, 2.05, 2.33, 2.75]) {
      policies[`textbook z=${z}`] = (h) => textbook(h, z);
    }
    for (const sl of [0.9, 0.95, 0.97, 0.98, 0.99]) {
      policies[`ours service level ${sl}`] = (h) => ours(h, testStart, empirical, sl);
    }
  }
  const methods = new Map<string, number>();
  for (const [, series] of skus) {
    const m = computePolicy({
      history: series.slice(0, start),
      onHand: 0,
      asOf: testStart,
      empirical,
      settings: DEFAULT_SETTINGS,
    }).method;
    methods.set(m, (methods.get(m) ?? 0) + 1);
  }

  console.log(
    `test window ${testStart} + ${horizon} days, ${skus.length} SKUs, lead time ` +
      `${LEAD_TIME} d, service level ${SERVICE_LEVEL}, daily review, lost sales`,
  );
  console.log(
    `ours: half-life ${empirical.halfLifeDays} d, window ${empirical.windowDays} d, ` +
      `level ${empirical.levelDays} d, weekday weight ${empirical.weekdayWeight}, ` +
      `methods ${JSON.stringify(Object.fromEntries(methods))}`,
  );
  for (const [name, policy] of Object.entries(policies)) {
    const total: Outcome = { demand: 0, filled: 0, onHandSum: 0, stockoutDays: 0 };
    for (const [, series] of skus) {
      const o = replay(
        policy(series.slice(0, start)),
        series.slice(start, start + horizon),
        LEAD_TIME,
      );
      total.demand += o.demand;
      total.filled += o.filled;
      total.onHandSum += o.onHandSum;
      total.stockoutDays += o.stockoutDays;
    }
    const fill = (100 * total.filled) / total.demand;
    const onHand = total.onHandSum / (horizon * skus.length);
    const stockouts = total.stockoutDays / skus.length;
    console.log(
      `${name.padEnd(44)} fill ${fill.toFixed(1)}%  on hand ${onHand.toFixed(0)} ` +
        `units/SKU  stock-out days ${stockouts.toFixed(2)}/SKU (${total.stockoutDays} total)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
