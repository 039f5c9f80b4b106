import type { GlobalForecaster } from '../forecast';
import type { ModelOutput } from '../models';
import { epochDay, originFeatures, scaleOf, stepFeatures, weekday } from './features';
import { maseWeight, originsOf, type TrainingSeries } from './origins';

/**
 * A multilayer perceptron across SKUs: one row per forecast origin in, the whole horizon out
 * in units of the series scale. Trained offline with TensorFlow.js; the service runs the
 * exported weights here in plain TypeScript, so neither it nor its workers load TensorFlow.js.
 */
export interface DenseLayer {
  /** `weights[i][o]`: input `i` to output `o`, the layout TensorFlow.js uses for a kernel. */
  weights: number[][];
  bias: number[];
  activation: 'relu' | 'linear';
}

export interface NeuralArtefact {
  kind: 'mlp-l1-direct';
  horizon: number;
  /** Mean and spread of each raw input over the training rows, missing values left out. */
  means: number[];
  scales: number[];
  /** Raw inputs that can be missing; each adds a 0/1 indicator after the inputs. */
  missing: number[];
  /** Networks trained from different seeds; their outputs are averaged. */
  members: DenseLayer[][];
  /** Robust standard deviation of the in-sample error per week, in units of the scale. */
  weekSigma: number[];
  /** Weighted absolute error per row on the series kept out of fitting, per member. */
  validationLoss: number[];
  epochs: number[];
}

/** Weekday-dependent features repeat weekly, so the first week's cover every step. */
const WEEK = 7;

/** A ratio to the recent mean on a log scale, so one spike of fifty does not swamp the rest. */
function squash(v: number): number {
  return Math.sign(v) * Math.log1p(Math.abs(v));
}

/**
 * Raw inputs of one origin (`end` observed days, `firstDay` the epoch day of the first
 * forecast day): the boosted trees' origin features, their weekday features for each day of
 * the first week, recency, age, day of month and the first day's weekday, one-hot. Missing
 * values stay NaN until `encode`.
 */
export function networkInputs(y: number[], end: number, firstDay: number): number[] {
  const scale = scaleOf(y, end);
  const row = originFeatures(y, end, scale).map(squash);
  for (let step = 1; step <= WEEK; step++) {
    const [sameDay4, sameDay8, share] = stepFeatures(y, end, scale, step, firstDay);
    row.push(squash(sameDay4), squash(sameDay8), share);
  }
  const [, , , sinceSale, age, , , , monthDay] = stepFeatures(y, end, scale, 1, firstDay);
  row.push(sinceSale, age, monthDay / 31);
  const day = weekday(firstDay);
  for (let d = 0; d < WEEK; d++) row.push(d === day ? 1 : 0);
  return row;
}

/** Standardised inputs, missing ones at the training mean (0), then the missing indicators. */
export function encode(
  scaling: Pick<NeuralArtefact, 'means' | 'scales' | 'missing'>,
  raw: ArrayLike<number>,
  out = new Float64Array(scaling.means.length + scaling.missing.length),
): Float64Array {
  const { means, scales, missing } = scaling;
  for (let j = 0; j < means.length; j++) {
    const v = raw[j];
    out[j] = Number.isNaN(v) ? 0 : (v - means[j]) / scales[j];
  }
  missing.forEach((j, k) => (out[means.length + k] = Number.isNaN(raw[j]) ? 1 : 0));
  return out;
}

/** One network's outputs for an encoded row. */
export function forward(layers: DenseLayer[], input: ArrayLike<number>): Float64Array {
  let current = Float64Array.from(input);
  for (const layer of layers) {
    const next = Float64Array.from(layer.bias);
    for (let i = 0; i < current.length; i++) {
      const v = current[i];
      if (v === 0) continue;
      const row = layer.weights[i];
      for (let o = 0; o < next.length; o++) next[o] += v * row[o];
    }
    if (layer.activation === 'relu')
      for (let o = 0; o < next.length; o++) next[o] = Math.max(0, next[o]);
    current = next;
  }
  return current;
}

/** The members' average for an encoded row, in units of the series scale. */
export function predictScaled(artefact: NeuralArtefact, input: ArrayLike<number>): Float64Array {
  const sum = new Float64Array(artefact.horizon);
  for (const layers of artefact.members) {
    const out = forward(layers, input);
    for (let h = 0; h < sum.length; h++) sum[h] += out[h] / artefact.members.length;
  }
  return sum;
}

export interface NetworkRows {
  /** Raw inputs, row-major (rows × cols). */
  x: Float32Array;
  /** Targets in units of the series scale, row-major (rows × horizon). */
  y: Float32Array;
  weight: Float32Array;
  /** Index of the series each row comes from. */
  series: Int32Array;
  cols: number;
}

/** One row per origin, `originEvery` days apart, with the next `horizon` days as targets. */
export function networkTrainingSet(
  series: TrainingSeries[],
  horizon: number,
  originEvery: number,
): NetworkRows {
  const origins = series.map((s) => originsOf(s.y, horizon, originEvery));
  const rows = origins.reduce((a, o) => a + o.length, 0);
  const cols = networkInputs([0], 1, 0).length;
  const out: NetworkRows = {
    x: new Float32Array(rows * cols),
    y: new Float32Array(rows * horizon),
    weight: new Float32Array(rows),
    series: new Int32Array(rows),
    cols,
  };
  let r = 0;
  series.forEach((s, k) => {
    const first = epochDay(s.start);
    for (const end of origins[k]) {
      const scale = scaleOf(s.y, end);
      out.x.set(networkInputs(s.y, end, first + end), r * cols);
      for (let h = 0; h < horizon; h++) out.y[r * horizon + h] = s.y[end + h] / scale;
      out.weight[r] = maseWeight(s.y, end, scale);
      out.series[r] = k;
      r++;
    }
  });
  return out;
}

/** The network behind the forecaster interface the domain uses. */
export class NeuralModel implements GlobalForecaster {
  readonly maxHorizon: number;

  constructor(readonly artefact: NeuralArtefact) {
    this.maxHorizon = artefact.horizon;
  }

  forecast(y: number[], firstDate: string, horizon: number): ModelOutput {
    const end = y.length;
    const scale = scaleOf(y, end);
    const input = encode(this.artefact, networkInputs(y, end, epochDay(firstDate)));
    const scaled = predictScaled(this.artefact, input);
    const weeks = this.artefact.weekSigma;
    const mean: number[] = [];
    const sigma: number[] = [];
    for (let h = 0; h < horizon; h++) {
      mean.push(Math.max(0, scaled[h]) * scale);
      sigma.push(weeks[Math.min(weeks.length - 1, Math.floor(h / WEEK))] * scale);
    }
    return { mean, sigma, warnings: [], variant: 'neural' };
  }
}
