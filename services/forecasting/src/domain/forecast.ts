import { autoSelect, combine, type BacktestRow, type Forecaster } from './auto';
import { LOCAL_MODELS, runLocal, toBands, type ModelOutput } from './models';
import { addSteps, PERIOD, type Frequency, type Series } from './series';

/** A model trained across many daily series, loaded ahead of time. */
export interface GlobalForecaster {
  readonly maxHorizon: number;
  /** Point forecasts and standard deviations; `firstDate` is the first forecast day. */
  forecast(y: number[], firstDate: string, horizon: number): ModelOutput;
  /** The neural network trained on the same series, when training made one. */
  readonly neural?: GlobalForecaster;
}

/** Models trained across SKUs, by public name. */
const ACROSS_SKUS = ['global', 'neural'] as const;
type AcrossSkus = Partial<Record<(typeof ACROSS_SKUS)[number], Forecaster>>;

export const MODEL_NAMES = [...Object.keys(LOCAL_MODELS), ...ACROSS_SKUS, 'auto'] as const;

export interface ForecastOptions {
  horizon: number;
  frequency: Frequency;
  levels: number[];
  model: string;
}

export interface ForecastResult {
  id: string;
  model: string;
  start: string;
  mean: number[];
  lower: Record<string, number[]>;
  upper: Record<string, number[]>;
  warnings: string[];
  backtest?: BacktestRow[];
}

/** The models across SKUs apply to daily series with some history; local models otherwise. */
const GLOBAL_MIN_POINTS = 14;

function applicable(
  series: Series,
  options: ForecastOptions,
  model: GlobalForecaster | undefined,
): Forecaster | undefined {
  if (!model || options.frequency !== 'D' || series.y.length < GLOBAL_MIN_POINTS) return undefined;
  if (options.horizon > model.maxHorizon) return undefined;
  return (y, h) => model.forecast(y, addSteps(series.start, y.length, 'D'), h);
}

function acrossSkusFor(
  series: Series,
  options: ForecastOptions,
  global: GlobalForecaster | undefined,
): AcrossSkus {
  const out: AcrossSkus = {};
  const viaGlobal = applicable(series, options, global);
  const viaNeural = applicable(series, options, global?.neural);
  if (viaGlobal) out.global = viaGlobal;
  if (viaNeural) out.neural = viaNeural;
  return out;
}

/**
 * What `auto` runs on a daily series when the models across SKUs apply: the average of the
 * boosted trees and the network when both are there (it beats either alone on the retail
 * benchmark), the boosted trees otherwise.
 */
function acrossSkusAuto(y: number[], horizon: number, global: Forecaster, neural?: Forecaster) {
  if (!neural) return { model: 'global', output: global(y, horizon) };
  const output = combine([global(y, horizon), neural(y, horizon)]);
  return { model: 'combination(global+neural)', output };
}

/**
 * The simple model that reproduces a history exactly, if one does: `naive` for a constant,
 * `linear_regression` for a straight line. The global model learnt noisy retail demand and
 * has no business bending such a series.
 */
export function exactModel(y: number[]): 'naive' | 'linear_regression' | undefined {
  if (y.length < 2) return undefined;
  const n = y.length;
  const meanX = (n - 1) / 2;
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (y[i] - meanY);
    sxx += (i - meanX) ** 2;
  }
  const slope = sxy / sxx;
  const scale = 1e-9 * (1 + Math.max(...y.map(Math.abs)));
  const exact = y.every((v, i) => Math.abs(meanY + slope * (i - meanX) - v) <= scale);
  if (!exact) return undefined;
  return Math.abs(slope) <= scale ? 'naive' : 'linear_regression';
}

/** Forecasts one regular series with the named model (`auto` picks by backtest). */
export function forecastSeries(
  series: Series,
  options: ForecastOptions,
  global?: GlobalForecaster,
  withBacktest = false,
): ForecastResult {
  const { horizon, frequency, levels } = options;
  const period = PERIOD[frequency];
  const warnings = [...series.warnings];
  const across = acrossSkusFor(series, options, global);
  const viaGlobal = across.global;
  let model = options.model;
  let output: ModelOutput;
  const auto =
    withBacktest || (model === 'auto' && !viaGlobal)
      ? autoSelect(series.y, horizon, period, across)
      : undefined;

  const exact = model === 'auto' ? exactModel(series.y) : undefined;
  if (exact) {
    model = exact;
    output = runLocal(exact, { y: series.y, horizon, period });
  } else if (model === 'auto' && viaGlobal) {
    // The models across SKUs backtest better than local ones on daily retail demand almost
    // everywhere; per-series backtests are too short to overrule them reliably.
    ({ model, output } = acrossSkusAuto(series.y, horizon, viaGlobal, across.neural));
  } else if (model === 'auto' && auto) {
    model = auto.model;
    output = auto.output;
  } else {
    output = runModel(model, series, options, across, warnings);
  }

  if (!finiteOutput(output)) {
    // A model across SKUs or an average of models can overflow where a single fit would not.
    warnings.push(`${model} gave non-finite values: used naive`);
    model = 'naive';
    output = runLocal('naive', { y: series.y, horizon, period });
  }
  // Nothing to measure a spread from; an invented one would be no more honest than none.
  if (series.y.length === 1) warnings.push('one observation: the intervals have no width');
  const nonNegative = series.y.every((v) => v >= 0);
  if (nonNegative) output = capIntermittent(series.y, output);
  const bands = toBands(output.mean, output.sigma, levels, nonNegative);
  return {
    id: series.id,
    model:
      output.variant && model !== 'auto' && !model.startsWith('combination')
        ? output.variant
        : model,
    start: addSteps(series.start, series.y.length, frequency),
    ...bands,
    warnings: [...warnings, ...output.warnings],
    ...(auto ? { backtest: auto.backtest } : {}),
  };
}

function finiteOutput(output: ModelOutput): boolean {
  return output.mean.every(Number.isFinite) && output.sigma.every(Number.isFinite);
}

/** Share of zero periods from which a count series is treated as intermittent. */
const INTERMITTENT_ZEROS = 0.25;

/**
 * Trend models extrapolate a late spike in sparse counts far beyond anything seen; for
 * intermittent series the forecast is kept within the history's range, and says so.
 */
function capIntermittent(y: number[], output: ModelOutput): ModelOutput {
  const zeros = y.filter((v) => v === 0).length / y.length;
  const max = Math.max(...y);
  if (zeros < INTERMITTENT_ZEROS || output.mean.every((v) => v <= max)) return output;
  return {
    ...output,
    mean: output.mean.map((v) => Math.min(v, max)),
    warnings: [
      ...output.warnings,
      'intermittent series: forecast capped at the largest value seen',
    ],
  };
}

function isAcrossSkus(model: string): model is keyof AcrossSkus {
  return (ACROSS_SKUS as readonly string[]).includes(model);
}

function runModel(
  model: string,
  series: Series,
  options: ForecastOptions,
  across: AcrossSkus,
  warnings: string[],
): ModelOutput {
  const period = PERIOD[options.frequency];
  if (!isAcrossSkus(model))
    return runLocal(model, { y: series.y, horizon: options.horizon, period });
  const via = across[model];
  if (via) return via(series.y, options.horizon);
  warnings.push(`the ${model} model is not available for this series: used ets`);
  return runLocal('ets', { y: series.y, horizon: options.horizon, period });
}
