/** Logistic regression on standardised features, L2-penalised, fitted with Adam. */
export interface LogisticModel {
  kind: 'logistic';
  means: number[];
  scales: number[];
  weights: number[];
  bias: number;
}

export interface LogisticOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Per-feature means and standard deviations of the training rows, for standardising. */
export function fitScaling(x: Float64Array[]): { means: number[]; scales: number[] } {
  const n = x.length;
  const d = x[0].length;
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) means[j] += row[j] / n;
  for (const row of x) for (let j = 0; j < d; j++) scales[j] += (row[j] - means[j]) ** 2 / n;
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(scales[j]);
    // A feature constant in the training rows carries no information: it is centred on its
    // exact value so that it pushes nothing, rather than on a mean with rounding error.
    if (sd < 1e-9) means[j] = x[0][j];
    scales[j] = sd < 1e-9 ? 1 : sd;
  }
  return { means, scales };
}

/** Fits the model on rows `x` with labels `y` (0 or 1), full batch. */
export function fitLogistic(
  x: Float64Array[],
  y: Uint8Array,
  options: LogisticOptions = {},
): LogisticModel {
  const { epochs = 400, learningRate = 0.05, l2 = 1e-3 } = options;
  const n = x.length;
  const d = x[0].length;
  const { means, scales } = fitScaling(x);
  const z = x.map((row) => row.map((v, j) => (v - means[j]) / scales[j]));

  const w = new Float64Array(d + 1);
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let s = w[d];
      const row = z[i];
      for (let j = 0; j < d; j++) s += w[j] * row[j];
      const err = sigmoid(s) - y[i];
      for (let j = 0; j < d; j++) grad[j] += (err * row[j]) / n;
      grad[d] += err / n;
    }
    for (let j = 0; j <= d; j++) {
      const g = grad[j] + (j < d ? l2 * w[j] : 0);
      m[j] = 0.9 * m[j] + 0.1 * g;
      v[j] = 0.999 * v[j] + 0.001 * g * g;
      const mh = m[j] / (1 - 0.9 ** epoch);
      const vh = v[j] / (1 - 0.999 ** epoch);
      w[j] -= (learningRate * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { kind: 'logistic', means, scales, weights: Array.from(w.subarray(0, d)), bias: w[d] };
}

/** The raw score (log-odds) and each feature's push on it. */
export function logisticMargin(
  model: LogisticModel,
  row: Float64Array,
  contributions?: Float64Array,
): number {
  let s = model.bias;
  for (let j = 0; j < model.weights.length; j++) {
    const push = (model.weights[j] * (row[j] - model.means[j])) / model.scales[j];
    s += push;
    if (contributions) contributions[j] += push;
  }
  return s;
}
