import { mulberry32 } from '@qm/learning';
import type { SparseVector } from './features';

/** Weights of a multinomial logistic regression over sparse features. */
export interface SoftmaxState {
  classes: string[];
  dims: number;
  /** Row-major `dims x classes`. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface SoftmaxTrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAINING: SoftmaxTrainOptions = {
  epochs: 5,
  learningRate: 0.5,
  l2: 1e-6,
  seed: 7,
};

/** Class scores (logits) of one vector. */
export function logits(model: SoftmaxState, x: SparseVector, out?: Float64Array): Float64Array {
  const k = model.classes.length;
  const z = out ?? new Float64Array(k);
  for (let c = 0; c < k; c++) z[c] = model.bias[c];
  for (let j = 0; j < x.idx.length; j++) {
    const base = x.idx[j] * k;
    const v = x.val[j];
    for (let c = 0; c < k; c++) z[c] += model.weights[base + c] * v;
  }
  return z;
}

/** Softmax of logits divided by a temperature, in place. */
export function softmaxInPlace(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) max = Math.max(max, z[c] / temperature);
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    z[c] = Math.exp(z[c] / temperature - max);
    sum += z[c];
  }
  for (let c = 0; c < z.length; c++) z[c] /= sum;
  return z;
}

/**
 * Trains by stochastic gradient descent on the cross-entropy. `draw(epoch, random)` gives the
 * example order of each epoch (it is where class balancing and augmentation happen).
 */
export function trainSoftmax(
  classes: string[],
  dims: number,
  draw: (epoch: number, random: () => number) => { x: SparseVector; y: number }[],
  options: SoftmaxTrainOptions = DEFAULT_TRAINING,
): SoftmaxState {
  const k = classes.length;
  const model: SoftmaxState = {
    classes,
    dims,
    weights: new Float32Array(dims * k),
    bias: new Float32Array(k),
  };
  const random = mulberry32(options.seed);
  const z = new Float64Array(k);
  // L2 shrinkage is kept as one scale factor so that each step touches only active features.
  let scale = 1;
  let step = 0;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const batch = draw(epoch, random);
    for (const { x, y } of batch) {
      const lr = options.learningRate / (1 + options.learningRate * options.l2 * step * 1e3);
      step++;
      for (let c = 0; c < k; c++) z[c] = model.bias[c];
      for (let j = 0; j < x.idx.length; j++) {
        const base = x.idx[j] * k;
        const v = x.val[j] * scale;
        for (let c = 0; c < k; c++) z[c] += model.weights[base + c] * v;
      }
      softmaxInPlace(z);
      z[y] -= 1;

      scale *= 1 - lr * options.l2;
      for (let j = 0; j < x.idx.length; j++) {
        const base = x.idx[j] * k;
        const g = (lr * x.val[j]) / scale;
        for (let c = 0; c < k; c++) model.weights[base + c] -= g * z[c];
      }
      for (let c = 0; c < k; c++) model.bias[c] -= lr * z[c] * 0.1;

      if (scale < 1e-6) {
        for (let i = 0; i < model.weights.length; i++) model.weights[i] *= scale;
        scale = 1;
      }
    }
  }
  for (let i = 0; i < model.weights.length; i++) model.weights[i] *= scale;
  return model;
}
