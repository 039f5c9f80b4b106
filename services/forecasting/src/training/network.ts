import * as tf from '@tensorflow/tfjs';
import { denseLayers, denseNetwork, seededRandom, shuffled, tfReady } from '@qm/learning';
import {
  encode,
  networkTrainingSet,
  predictScaled,
  type DenseLayer,
  type NetworkRows,
  type NeuralArtefact,
} from '../domain/global/network';
import { weekSigma, type TrainingSeries } from '../domain/global/origins';

/**
 * Training of the neural global model with TensorFlow.js. Only `train:forecast` and the
 * benchmark load this module; the service runs the exported weights in plain TypeScript.
 */
export interface NetworkOptions {
  hidden: number[];
  learningRate: number;
  batchSize: number;
  /** Upper bound on passes over the data; early stopping usually ends sooner. */
  epochs: number;
  /** Epochs without a better validation loss before training stops. */
  patience: number;
  /** Share of the series kept out of fitting to decide when to stop. */
  validationShare: number;
  /** Days between training origins. */
  originEvery: number;
  /** One network per seed; the model averages them. */
  seeds: number[];
}

/** Mean and standard deviation of each column over its present values. */
function fitScaling(rows: NetworkRows) {
  const { x, cols } = rows;
  const n = x.length / cols;
  const means: number[] = [];
  const scales: number[] = [];
  const missing: number[] = [];
  for (let j = 0; j < cols; j++) {
    let s = 0;
    let s2 = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * cols + j];
      if (Number.isNaN(v)) continue;
      s += v;
      s2 += v * v;
      k++;
    }
    const mean = k > 0 ? s / k : 0;
    const sd = k > 0 ? Math.sqrt(Math.max(0, s2 / k - mean * mean)) : 0;
    means.push(mean);
    scales.push(sd > 1e-9 ? sd : 1);
    if (k < n) missing.push(j);
  }
  return { means, scales, missing };
}

type Scaling = ReturnType<typeof fitScaling>;

/** Encoded rows as one matrix, for TensorFlow.js. */
function encodeAll(rows: NetworkRows, scaling: Scaling): { data: Float32Array; width: number } {
  const width = scaling.means.length + scaling.missing.length;
  const n = rows.weight.length;
  const data = new Float32Array(n * width);
  const buffer = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    encode(scaling, rows.x.subarray(i * rows.cols, (i + 1) * rows.cols), buffer);
    data.set(buffer, i * width);
  }
  return { data, width };
}

interface Tensors {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  w: tf.Tensor2D;
}

function tensorsOf(idx: number[], data: Float32Array, width: number, rows: NetworkRows): Tensors {
  const h = rows.y.length / rows.weight.length;
  const x = new Float32Array(idx.length * width);
  const y = new Float32Array(idx.length * h);
  idx.forEach((i, r) => {
    x.set(data.subarray(i * width, (i + 1) * width), r * width);
    y.set(rows.y.subarray(i * h, (i + 1) * h), r * h);
  });
  return {
    x: tf.tensor2d(x, [idx.length, width]),
    y: tf.tensor2d(y, [idx.length, h]),
    w: tf.tensor2d(
      Float32Array.from(idx, (i) => rows.weight[i]),
      [idx.length, 1],
    ),
  };
}

/** Mean over rows of the weighted absolute error summed over the horizon. */
function weightedL1(model: tf.Sequential, t: Tensors, training: boolean): tf.Scalar {
  const predicted = model.apply(t.x, { training }) as tf.Tensor2D;
  return tf.mean(tf.sum(tf.mul(t.w, tf.abs(tf.sub(predicted, t.y))), 1));
}

interface MemberFit {
  layers: DenseLayer[];
  validationLoss: number;
  epochs: number;
}

/**
 * Fits one network with Adam on mini-batches in a seeded order, keeping the weights of the
 * epoch with the lowest loss on the validation series.
 */
async function fitMember(
  fit: Tensors,
  validation: Tensors | undefined,
  inputs: number,
  outputs: number,
  options: NetworkOptions,
  seed: number,
  onEpoch?: (epoch: number, loss: number) => void,
): Promise<MemberFit> {
  // ReLU hidden layers and a linear output per step of the horizon.
  const model = denseNetwork({ inputs, hidden: options.hidden, outputs, seed });
  const optimizer = tf.train.adam(options.learningRate);
  const random = seededRandom(seed);
  const n = fit.x.shape[0];
  let best: DenseLayer[] = [];
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  try {
    while (epoch < options.epochs && epoch - bestEpoch <= options.patience) {
      epoch++;
      const order = shuffled([...Array(n).keys()], random);
      for (let from = 0; from < n; from += options.batchSize) {
        const batch = tf.tensor1d(order.slice(from, from + options.batchSize), 'int32');
        tf.tidy(() => {
          const t = { x: fit.x.gather(batch), y: fit.y.gather(batch), w: fit.w.gather(batch) };
          optimizer.minimize(() => weightedL1(model, t, true));
        });
        batch.dispose();
      }
      const loss = validation
        ? tf.tidy(() => weightedL1(model, validation, false).dataSync()[0])
        : epoch;
      onEpoch?.(epoch, loss);
      // Without validation series (a tiny set) the last epoch is kept.
      if (!validation || loss < bestLoss) {
        best = denseLayers(model);
        bestLoss = loss;
        bestEpoch = epoch;
      }
    }
    return { layers: best, validationLoss: validation ? bestLoss : NaN, epochs: bestEpoch };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Splits row indices by series, so validation rows come from series never fitted. */
function splitBySeries(rows: NetworkRows, share: number, random: () => number) {
  const count = rows.series.reduce((a, s) => Math.max(a, s + 1), 0);
  const held = new Set(
    shuffled([...Array(count).keys()], random).slice(0, Math.floor(count * share)),
  );
  const fit: number[] = [];
  const validation: number[] = [];
  rows.series.forEach((s, i) => (held.has(s) ? validation : fit).push(i));
  return { fit, validation };
}

/** Trains the networks across all the series and measures their in-sample error per week. */
export async function trainNetwork(
  series: TrainingSeries[],
  horizon: number,
  options: NetworkOptions,
  onEpoch?: (member: number, epoch: number, loss: number) => void,
): Promise<NeuralArtefact> {
  await tfReady();
  const rows = networkTrainingSet(series, horizon, options.originEvery);
  const scaling = fitScaling(rows);
  const { data, width } = encodeAll(rows, scaling);
  const split = splitBySeries(rows, options.validationShare, seededRandom(options.seeds[0]));
  const fit = tensorsOf(split.fit, data, width, rows);
  const validation =
    split.validation.length > 0 ? tensorsOf(split.validation, data, width, rows) : undefined;

  const members: MemberFit[] = [];
  try {
    for (const [m, seed] of options.seeds.entries()) {
      members.push(
        await fitMember(fit, validation, width, horizon, options, seed, (e, l) =>
          onEpoch?.(m, e, l),
        ),
      );
    }
  } finally {
    tf.dispose([
      fit.x,
      fit.y,
      fit.w,
      ...(validation ? [validation.x, validation.y, validation.w] : []),
    ]);
  }

  const artefact: NeuralArtefact = {
    kind: 'mlp-l1-direct',
    horizon,
    ...scaling,
    members: members.map((m) => m.layers),
    weekSigma: [],
    validationLoss: members.map((m) => m.validationLoss),
    epochs: members.map((m) => m.epochs),
  };
  artefact.weekSigma = weekSigma(inSampleResiduals(artefact, data, width, rows));
  return artefact;
}

/** Errors of the final model on every training row, grouped by week of the horizon. */
function inSampleResiduals(
  artefact: NeuralArtefact,
  data: Float32Array,
  width: number,
  rows: NetworkRows,
): number[][] {
  const h = artefact.horizon;
  const weeks: number[][] = Array.from({ length: Math.ceil(h / 7) }, () => []);
  for (let i = 0; i < rows.weight.length; i++) {
    const predicted = predictScaled(artefact, data.subarray(i * width, (i + 1) * width));
    for (let k = 0; k < h; k++) weeks[Math.floor(k / 7)].push(rows.y[i * h + k] - predicted[k]);
  }
  return weeks;
}
