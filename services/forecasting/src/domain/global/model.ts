import type { GlobalForecaster } from '../forecast';
import type { ModelOutput } from '../models';
import { epochDay, FEATURE_NAMES, originFeatures, scaleOf, stepFeatures } from './features';
import { predictGbt, trainGbt, type GbtModel, type GbtOptions } from './gbt';
import { NeuralModel, type NeuralArtefact } from './network';
import { maseWeight, originsOf, weekSigma, type TrainingSeries } from './origins';

export type { TrainingSeries } from './origins';

/** What `train:forecast` writes and the service loads. */
export interface GlobalArtefact {
  version: 1;
  kind: 'gbt-l1-direct';
  /** Last day of data the model saw. */
  trainedUntil: string;
  horizon: number;
  features: string[];
  models: GbtModel[];
  /** In-sample mean absolute error per step, in units of the series scale. */
  scaledMae: number[];
  /**
   * Robust standard deviation of the in-sample error per week of the horizon, in units of the
   * series scale: the 10-90% quantile range over 2.563, pooled over weekdays so the weekday of
   * the training origins does not leak into the widths.
   */
  weekSigma?: number[];
  series: number;
  rows: number;
  /** The network trained on the same series, when training made one. */
  neural?: NeuralArtefact;
}

/** Rows of (features, scaled target) at weekly origins ending `horizon` days before the end. */
export function trainingSet(series: TrainingSeries[], horizon: number, originEvery = 7) {
  const cols = FEATURE_NAMES.length;
  const origins = series.map((s) => originsOf(s.y, horizon, originEvery));
  const rows = origins.reduce((a, o) => a + o.length * horizon, 0);
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  const weight = new Float32Array(rows);
  let r = 0;
  series.forEach((s, k) => {
    const first = epochDay(s.start);
    for (const end of origins[k]) {
      const scale = scaleOf(s.y, end);
      const base = originFeatures(s.y, end, scale);
      const w = maseWeight(s.y, end, scale);
      for (let step = 1; step <= horizon; step++, r++) {
        weight[r] = w;
        x.set(base, r * cols);
        x.set(stepFeatures(s.y, end, scale, step, first + end), r * cols + base.length);
        y[r] = s.y[end + step - 1] / scale;
      }
    }
  });
  return { x, y, weight, cols };
}

export interface TrainOptions {
  horizon: number;
  trainedUntil: string;
  gbt: Omit<GbtOptions, 'seed'>;
  seeds: number[];
  onTree?: (model: number, tree: number) => void;
}

/** Trains one or more boosted models (different seeds, averaged) across all the series. */
export function trainGlobal(series: TrainingSeries[], options: TrainOptions): GlobalArtefact {
  const { x, y, weight, cols } = trainingSet(series, options.horizon);
  const models = options.seeds.map((seed, m) =>
    trainGbt(x, y, cols, { ...options.gbt, seed, onTree: (t) => options.onTree?.(m, t) }, weight),
  );
  const artefact: GlobalArtefact = {
    version: 1,
    kind: 'gbt-l1-direct',
    trainedUntil: options.trainedUntil,
    horizon: options.horizon,
    features: FEATURE_NAMES,
    models,
    scaledMae: [],
    series: series.length,
    rows: y.length,
  };
  const err = new Float64Array(options.horizon);
  const count = new Float64Array(options.horizon);
  const weeks: number[][] = Array.from({ length: Math.ceil(options.horizon / 7) }, () => []);
  const row = new Float64Array(cols);
  // Every fifth origin is plenty to estimate the error per step.
  for (let i = 0; i < y.length; i++) {
    if (Math.floor(i / options.horizon) % 5 !== 0) continue;
    for (let c = 0; c < cols; c++) row[c] = x[i * cols + c];
    const step = i % options.horizon;
    const residual = y[i] - predictAll(artefact, row);
    err[step] += Math.abs(residual);
    count[step]++;
    weeks[Math.floor(step / 7)].push(residual);
  }
  artefact.scaledMae = Array.from(err, (e, i) => (count[i] > 0 ? e / count[i] : 0));
  artefact.weekSigma = weekSigma(weeks);
  return artefact;
}

function predictAll(artefact: GlobalArtefact, row: ArrayLike<number>): number {
  let s = 0;
  for (const m of artefact.models) s += predictGbt(m, row);
  return s / artefact.models.length;
}

/** Ratio of standard deviation to mean absolute error for a normal error. */
const SD_PER_MAE = Math.sqrt(Math.PI / 2);

/** The global model behind the forecaster interface the domain uses. */
export class GlobalModel implements GlobalForecaster {
  readonly maxHorizon: number;
  readonly neural?: NeuralModel;

  constructor(readonly artefact: GlobalArtefact) {
    this.maxHorizon = artefact.horizon;
    if (artefact.neural) this.neural = new NeuralModel(artefact.neural);
  }

  private sigmaAt(step: number): number {
    const weeks = this.artefact.weekSigma;
    if (weeks && weeks.length > 0)
      return weeks[Math.min(weeks.length - 1, Math.floor((step - 1) / 7))];
    return (this.artefact.scaledMae[step - 1] ?? 0) * SD_PER_MAE;
  }

  forecast(y: number[], firstDate: string, horizon: number): ModelOutput {
    const end = y.length;
    const scale = scaleOf(y, end);
    const base = originFeatures(y, end, scale);
    const first = epochDay(firstDate);
    const mean: number[] = [];
    const sigma: number[] = [];
    for (let step = 1; step <= horizon; step++) {
      const row = [...base, ...stepFeatures(y, end, scale, step, first)];
      mean.push(Math.max(0, predictAll(this.artefact, row)) * scale);
      sigma.push(this.sigmaAt(step) * scale);
    }
    return { mean, sigma, warnings: [], variant: 'global' };
  }
}
