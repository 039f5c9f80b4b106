/**
 * A small feed-forward network on standardised features, trained offline with TensorFlow.js
 * and scored here in plain TypeScript so the service never loads TensorFlow.js.
 */
export interface DenseLayer {
  /** `weights[i][o]`: input `i` to output `o`, the layout TensorFlow.js uses for a kernel. */
  weights: number[][];
  bias: number[];
  activation: 'relu' | 'linear';
}

export interface NetworkModel {
  kind: 'network';
  means: number[];
  scales: number[];
  /** Hidden layers then the output layer, whose single unit is the raw score (log-odds). */
  layers: DenseLayer[];
}

/** The pre-activation of a layer: `bias + input · weights`. */
function affine(layer: DenseLayer, input: Float64Array): Float64Array {
  const out = Float64Array.from(layer.bias);
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    if (v === 0) continue;
    const row = layer.weights[i];
    for (let o = 0; o < out.length; o++) out[o] += v * row[o];
  }
  return out;
}

function activate(layer: DenseLayer, values: Float64Array): Float64Array {
  if (layer.activation === 'relu') {
    for (let o = 0; o < values.length; o++) if (values[o] < 0) values[o] = 0;
  }
  return values;
}

/** The output from the first layer's pre-activation on. */
function fromFirst(layers: DenseLayer[], first: Float64Array): number {
  let current = activate(layers[0], first);
  for (let k = 1; k < layers.length; k++) current = activate(layers[k], affine(layers[k], current));
  return current[0];
}

/** The features of a row on the scale the network was trained on. */
export function standardise(model: NetworkModel, row: ArrayLike<number>): Float64Array {
  return Float64Array.from(model.means, (mean, j) => (row[j] - mean) / model.scales[j]);
}

/**
 * The raw score (log-odds). A feature's push, when asked, is how much the score drops when
 * that feature alone is put back to its training mean: a network has no exact split of its
 * score, and this one costs one small forward pass per feature.
 */
export function networkMargin(
  model: NetworkModel,
  row: Float64Array,
  contributions?: Float64Array,
): number {
  const z = standardise(model, row);
  const first = affine(model.layers[0], z);
  const s = fromFirst(model.layers, Float64Array.from(first));
  if (contributions) {
    // Putting feature j to its mean (0 once standardised) only moves the first layer.
    const wiped = new Float64Array(first.length);
    for (let j = 0; j < z.length; j++) {
      if (z[j] === 0) continue;
      const weights = model.layers[0].weights[j];
      for (let o = 0; o < first.length; o++) wiped[o] = first[o] - z[j] * weights[o];
      contributions[j] += s - fromFirst(model.layers, wiped);
    }
  }
  return s;
}
