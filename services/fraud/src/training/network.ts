import * as tf from '@tensorflow/tfjs';
import { denseLayers, denseNetwork, seededRandom, shuffled, tfReady } from '@qm/learning';
import { fitScaling } from '../model/logistic';
import type { NetworkModel } from '../model/network';

/**
 * Training of the network candidate with TensorFlow.js. Only training loads this module (the
 * service scores the exported weights with `model/network.ts`).
 */
export interface NetworkOptions {
  hidden?: number[];
  dropout?: number;
  learningRate?: number;
  batchSize?: number;
  /** Upper bound on passes over the data; early stopping usually ends sooner. */
  epochs?: number;
  /** Epochs without a better validation loss before training stops. */
  patience?: number;
  /** Share of each class set aside to decide when to stop. */
  validationFraction?: number;
  seed?: number;
}

export interface NetworkFit {
  model: NetworkModel;
  /** The epoch whose weights were kept (lowest validation loss). */
  bestEpoch: number;
  epochsRun: number;
  validationLoss: number;
}

export const NETWORK_OPTIONS: Required<NetworkOptions> = {
  hidden: [32, 16],
  dropout: 0.2,
  learningRate: 0.003,
  batchSize: 256,
  epochs: 40,
  patience: 5,
  validationFraction: 0.15,
  seed: 13,
};

/** Hidden ReLU layers with dropout, one sigmoid output. */
export function buildNetwork(
  inputs: number,
  options: Pick<NetworkOptions, 'hidden' | 'dropout' | 'seed'> = {},
): tf.Sequential {
  const { hidden, dropout, seed } = { ...NETWORK_OPTIONS, ...options };
  return denseNetwork({ inputs, hidden, outputs: 1, seed, dropout, outputActivation: 'sigmoid' });
}

/** The dense layers' weights as plain arrays; the sigmoid is left out so the output is log-odds. */
export function exportNetwork(
  model: tf.LayersModel,
  means: number[],
  scales: number[],
): NetworkModel {
  return { kind: 'network', means, scales, layers: denseLayers(model) };
}

/**
 * Fits the network on rows `x` with labels `y` (0 or 1): binary cross-entropy with Adam,
 * stopping when the loss on a stratified validation slice has not improved for `patience`
 * epochs, and keeping the weights of its best epoch.
 */
export async function fitNetwork(
  x: Float64Array[],
  y: Uint8Array,
  options: NetworkOptions = {},
): Promise<NetworkFit> {
  const o = { ...NETWORK_OPTIONS, ...options };
  await tfReady();
  const { means, scales } = fitScaling(x);
  const d = means.length;
  const random = seededRandom(o.seed);

  const fitIdx: number[] = [];
  const valIdx: number[] = [];
  for (const cls of [0, 1]) {
    const members = shuffled(
      [...y.keys()].filter((i) => y[i] === cls),
      random,
    );
    const cut = Math.round(members.length * o.validationFraction);
    valIdx.push(...members.slice(0, cut));
    fitIdx.push(...members.slice(cut));
  }
  const matrix = (idx: number[]): tf.Tensor2D => {
    const flat = new Float32Array(idx.length * d);
    idx.forEach((i, r) => {
      for (let j = 0; j < d; j++) flat[r * d + j] = (x[i][j] - means[j]) / scales[j];
    });
    return tf.tensor2d(flat, [idx.length, d]);
  };
  const labels = (idx: number[]): tf.Tensor2D =>
    tf.tensor2d(
      Float32Array.from(idx, (i) => y[i]),
      [idx.length, 1],
    );

  const xFit = matrix(fitIdx);
  const yFit = labels(fitIdx);
  const xVal = matrix(valIdx);
  const yVal = labels(valIdx);
  const model = buildNetwork(d, o);
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'binaryCrossentropy' });

  let best: tf.Tensor[] = [];
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  try {
    while (epoch < o.epochs && epoch - bestEpoch <= o.patience) {
      epoch += 1;
      const order = tf.tensor1d(shuffled([...fitIdx.keys()], random), 'int32');
      const xs = tf.gather(xFit, order);
      const ys = tf.gather(yFit, order);
      await model.fit(xs, ys, { epochs: 1, batchSize: o.batchSize, shuffle: false, verbose: 0 });
      tf.dispose([order, xs, ys]);

      const evaluated = model.evaluate(xVal, yVal, { batchSize: 4096 }) as tf.Scalar;
      const loss = (await evaluated.data())[0];
      evaluated.dispose();
      // Without validation rows (a tiny set) the last epoch is kept.
      if (best.length === 0 || loss < bestLoss || valIdx.length === 0) {
        tf.dispose(best);
        best = model.getWeights().map((w) => w.clone());
        bestLoss = loss;
        bestEpoch = epoch;
      }
    }
    model.setWeights(best);
    return {
      model: exportNetwork(model, means, scales),
      bestEpoch,
      epochsRun: epoch,
      validationLoss: bestLoss,
    };
  } finally {
    tf.dispose([xFit, yFit, xVal, yVal, ...best]);
    model.dispose();
  }
}
