import { mase, rmsse } from './metrics';
import { runLocal, type ModelOutput } from './models';
import { mean } from './stats';

/** Local candidates tried by `auto`, cheapest first. */
export const AUTO_CANDIDATES = [
  'seasonal_naive',
  'moving_average',
  'ets',
  'sba',
  'tsb',
  'linear_regression',
];

/** How many of the best candidates the combination averages. */
const COMBINE = 3;
const MAX_FOLDS = 2;

export interface BacktestRow {
  model: string;
  mase: number | null;
  rmsse: number | null;
  folds: number;
}

/** A forecaster the backtest can call on any prefix of the series. */
export type Forecaster = (y: number[], horizon: number) => ModelOutput;

export interface AutoResult {
  model: string;
  output: ModelOutput;
  backtest: BacktestRow[];
}

/** The average of several forecasts, step by step, and of their standard deviations. */
export function combine(outputs: ModelOutput[]): ModelOutput {
  const h = outputs[0].mean.length;
  const avg = (pick: (o: ModelOutput) => number[]) =>
    Array.from({ length: h }, (_, i) => mean(outputs.map((o) => pick(o)[i])));
  return {
    mean: avg((o) => o.mean),
    sigma: avg((o) => o.sigma),
    warnings: outputs.flatMap((o) => o.warnings),
  };
}

/**
 * Rolling-origin backtest by MASE over the last folds of the history, then the winner (or the
 * average of the best few, when that backtests better) refitted on the whole series.
 */
export function autoSelect(
  y: number[],
  horizon: number,
  period: number,
  extra: Record<string, Forecaster> = {},
): AutoResult {
  const forecasters: Record<string, Forecaster> = { ...extra };
  for (const name of AUTO_CANDIDATES) {
    forecasters[name] = (h, k) => runLocal(name, { y: h, horizon: k, period });
  }
  const names = Object.keys(forecasters);
  const testLength = Math.max(1, Math.min(horizon, Math.floor(y.length / 4)));
  const minTrain = Math.max(2 * period, 8);
  const scores: Record<string, { mase: number[]; rmsse: number[]; paths: number[][] }> = {};
  for (const name of names) scores[name] = { mase: [], rmsse: [], paths: [] };
  const folds: { actual: number[]; train: number[] }[] = [];
  for (let k = 1; k <= MAX_FOLDS; k++) {
    const origin = y.length - k * testLength;
    if (origin < minTrain) break;
    folds.push({ train: y.slice(0, origin), actual: y.slice(origin, origin + testLength) });
  }

  for (const fold of folds) {
    for (const name of names) {
      const path = forecasters[name](fold.train, testLength).mean.map((v) => Math.max(v, 0));
      scores[name].paths.push(path);
      const m = mase(fold.actual, path, fold.train, period);
      const r = rmsse(fold.actual, path, fold.train, period);
      if (m !== undefined) scores[name].mase.push(m);
      if (r !== undefined) scores[name].rmsse.push(r);
    }
  }

  const rows: BacktestRow[] = names.map((name) => ({
    model: name,
    mase: scores[name].mase.length ? mean(scores[name].mase) : null,
    rmsse: scores[name].rmsse.length ? mean(scores[name].rmsse) : null,
    folds: scores[name].mase.length,
  }));
  const ranked = rows
    .filter((r) => r.mase !== null)
    .sort((a, b) => (a.mase as number) - (b.mase as number));
  if (ranked.length === 0) {
    const fallback = names.includes('global') ? 'global' : 'ets';
    const output = forecasters[fallback](y, horizon);
    const why = `too short to backtest (${y.length} points): used ${fallback}`;
    return {
      model: fallback,
      output: { ...output, warnings: [why, ...output.warnings] },
      backtest: rows,
    };
  }

  const top = ranked.slice(0, COMBINE).map((r) => r.model);
  const comboMase = folds.map((fold, f) => {
    const path = fold.actual.map((_, i) => mean(top.map((n) => scores[n].paths[f][i])));
    return mase(fold.actual, path, fold.train, period);
  });
  const combo: BacktestRow = {
    model: `combination(${top.join('+')})`,
    mase: comboMase.every((m) => m !== undefined) ? mean(comboMase as number[]) : null,
    rmsse: null,
    folds: folds.length,
  };
  rows.push(combo);

  if (top.length > 1 && combo.mase !== null && combo.mase < (ranked[0].mase as number)) {
    const output = combine(top.map((n) => forecasters[n](y, horizon)));
    return { model: combo.model, output, backtest: rows };
  }
  const output = forecasters[ranked[0].model](y, horizon);
  return { model: ranked[0].model, output, backtest: rows };
}
