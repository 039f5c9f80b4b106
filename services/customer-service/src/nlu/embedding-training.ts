/**
 * Training of the n-gram embedding classifier with TensorFlow.js. Only training loads this
 * module; the service scores the exported weights with `embedding-model.ts`. The vector
 * table is not a TensorFlow.js variable looked up with `gather`: the WebAssembly backend has
 * no gradient for that lookup, and the plain JavaScript one takes minutes per epoch over a
 * table this size. Each batch's rows are copied into a small tensor instead, averaged by a
 * matrix product, and updated in place.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32, tfReady } from '@qm/learning';
import { rawFeatures, type FeatureOptions } from './features';
import { bagsOf, EmbeddingModel, type Bags } from './embedding-model';
import { DEFAULT_EMBEDDING_TRAINING, type EmbeddingTrainOptions } from './embedding-options';

/** Features seen in at least `minDf` of the texts, sorted. */
function vocabulary(texts: string[], options: FeatureOptions, minDf = 2): string[] {
  const df = new Map<string, number>();
  for (const text of texts) {
    for (const key of rawFeatures(text, options).keys()) df.set(key, (df.get(key) ?? 0) + 1);
  }
  return [...df.entries()]
    .filter(([, n]) => n >= minDf)
    .map(([f]) => f)
    .sort();
}

/** The distinct ids of a batch, and per text the columns of its bag over them. */
function batchIds(bags: number[][][]): { ids: number[]; column: Map<number, number> } {
  const column = new Map<number, number>();
  for (const bagSet of bags) {
    for (const bag of bagSet)
      for (const id of bag) if (!column.has(id)) column.set(id, column.size);
  }
  return { ids: [...column.keys()], column };
}

/** Averaging matrix `rows x ids`: 1/length at each id of a row's bag (counted per use). */
function averaging(rows: number[][], column: Map<number, number>, width: number): tf.Tensor2D {
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    for (const id of row) out[r * width + (column.get(id) ?? 0)] += 1 / row.length;
  });
  return tf.tensor2d(out, [rows.length, width]);
}

/**
 * Adam on the rows of the vector table that a batch used, in place ("lazy" Adam: rows that
 * were not used keep their moments), so an update costs the batch's rows, not the table.
 */
class RowAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;

  constructor(
    readonly table: Float32Array,
    readonly dims: number,
    readonly learningRate: number,
  ) {
    this.m = new Float32Array(table.length);
    this.v = new Float32Array(table.length);
  }

  apply(ids: number[], grads: Float32Array): void {
    this.step++;
    const b1 = 0.9;
    const b2 = 0.999;
    const lr = (this.learningRate * Math.sqrt(1 - b2 ** this.step)) / (1 - b1 ** this.step);
    ids.forEach((id, r) => {
      for (let d = 0; d < this.dims; d++) {
        const i = id * this.dims + d;
        const g = grads[r * this.dims + d];
        this.m[i] = b1 * this.m[i] + (1 - b1) * g;
        this.v[i] = b2 * this.v[i] + (1 - b2) * g * g;
        this.table[i] -= (lr * this.m[i]) / (Math.sqrt(this.v[i]) + 1e-7);
      }
    });
  }
}

/**
 * Trains on texts grouped by class (`pools[c]` are the normalised texts of class c, noisy
 * copies included; `vocabTexts` are the clean texts the vocabulary is drawn from). Softmax
 * cross-entropy over class-balanced draws: TensorFlow.js computes the loss and its
 * gradients for the output layer and for the vector rows of each batch; Adam updates both.
 */
export async function trainEmbeddingModel(
  classes: string[],
  pools: string[][],
  vocabTexts: string[],
  options: EmbeddingTrainOptions = DEFAULT_EMBEDDING_TRAINING,
): Promise<EmbeddingModel> {
  await tfReady();
  const o = options;
  const features = vocabulary(vocabTexts, o.features);
  const index = new Map(features.map((f, i) => [f, i]));
  const bagPools: Bags[][] = pools.map((pool) => pool.map((t) => bagsOf(t, o.features, index)));
  const k = classes.length;
  const random = mulberry32(o.seed);

  const vectors = Float32Array.from(
    { length: features.length * o.dims },
    () => (random() - 0.5) / o.dims,
  );
  const rows = new RowAdam(vectors, o.dims, o.learningRate);
  const weights = tf.variable(
    tf.randomNormal([2 * o.dims, k], 0, 1 / Math.sqrt(2 * o.dims), 'float32', o.seed),
  );
  const bias = tf.variable(tf.zeros([k]));
  const optimizer = tf.train.adam(o.learningRate);

  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const draws: { bags: Bags; y: number }[] = [];
      bagPools.forEach((pool, y) => {
        for (let i = 0; i < o.perClass; i++) {
          draws.push({ bags: pool[Math.floor(random() * pool.length)], y });
        }
      });
      for (let i = draws.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [draws[i], draws[j]] = [draws[j], draws[i]];
      }
      for (let start = 0; start < draws.length; start += o.batchSize) {
        const batch = draws.slice(start, start + o.batchSize);
        const { ids, column } = batchIds(batch.map((d) => [d.bags.words, d.bags.chars]));
        const used = new Float32Array(ids.length * o.dims);
        ids.forEach((id, r) =>
          used.set(vectors.subarray(id * o.dims, (id + 1) * o.dims), r * o.dims),
        );
        const seed = Math.floor(random() * 1e9);
        const grads = tf.tidy(() => {
          const table = tf.tensor2d(used, [ids.length, o.dims]);
          const aw = averaging(
            batch.map((d) => d.bags.words),
            column,
            ids.length,
          );
          const ac = averaging(
            batch.map((d) => d.bags.chars),
            column,
            ids.length,
          );
          const labels = tf.oneHot(
            tf.tensor1d(
              batch.map((d) => d.y),
              'int32',
            ),
            k,
          );
          const loss = (t: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar => {
            const h = tf.concat([tf.matMul(aw, t), tf.matMul(ac, t)], 1);
            const dropped = o.dropout > 0 ? tf.dropout(h, o.dropout, undefined, seed) : h;
            const logits = tf.add(tf.matMul(dropped, w), b);
            return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
          };
          return tf.grads(loss)([table, weights, bias]);
        });
        const [gTable, gWeights, gBias] = grads;
        rows.apply(ids, gTable.dataSync() as Float32Array);
        optimizer.applyGradients([
          { name: weights.name, tensor: gWeights },
          { name: bias.name, tensor: gBias },
        ]);
        tf.dispose(grads);
      }
    }
    return new EmbeddingModel({
      options: o.features,
      features,
      classes,
      dims: o.dims,
      vectors,
      weights: Float32Array.from(await weights.data()),
      bias: Float32Array.from(await bias.data()),
    });
  } finally {
    tf.dispose([weights, bias]);
    optimizer.dispose();
  }
}
