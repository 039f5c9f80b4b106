import { rawFeatures, type FeatureOptions } from './features';

/**
 * A fastText-style classifier run from exported weights: each word, word pair and in-word
 * character n-gram has a learned vector; the vectors of a text's words and of its character
 * n-grams are averaged apart, and one linear layer maps the two averages to intent scores.
 * Vectors are shared by every intent, so a rare word borrows what its n-grams learned
 * elsewhere, which a TF-IDF linear model cannot do. Trained with TensorFlow.js
 * (`embedding-training.ts`); serving needs only this file.
 */

/** The feature ids of one text: word-level features and character n-grams apart. */
export interface Bags {
  words: number[];
  chars: number[];
}

export interface EmbeddingState {
  options: FeatureOptions;
  features: string[];
  classes: string[];
  dims: number;
  /** Row-major `features x dims`. */
  vectors: Float32Array;
  /** Row-major `(2 * dims) x classes`: word average first, then character average. */
  weights: Float32Array;
  bias: Float32Array;
}

/** Maps a normalised text to its bags of known feature ids. */
export function bagsOf(text: string, options: FeatureOptions, index: Map<string, number>): Bags {
  const words: number[] = [];
  const chars: number[] = [];
  for (const [key, count] of rawFeatures(text, options)) {
    const id = index.get(key);
    if (id === undefined) continue;
    const bag = key.charCodeAt(0) === 99 ? chars : words; // 'c'
    for (let n = 0; n < count; n++) bag.push(id);
  }
  return { words, chars };
}

export class EmbeddingModel {
  private readonly index: Map<string, number>;
  private readonly hidden: Float64Array;

  constructor(readonly state: EmbeddingState) {
    this.index = new Map(state.features.map((f, i) => [f, i]));
    this.hidden = new Float64Array(2 * state.dims);
  }

  get classes(): string[] {
    return this.state.classes;
  }

  bags(normalised: string): Bags {
    return bagsOf(normalised, this.state.options, this.index);
  }

  /** Intent scores (logits) of an already-normalised text. */
  logits(normalised: string, out?: Float64Array): Float64Array {
    const { dims, vectors, weights, bias, classes } = this.state;
    const k = classes.length;
    const h = this.hidden;
    h.fill(0);
    const { words, chars } = this.bags(normalised);
    const average = (ids: number[], offset: number): void => {
      if (ids.length === 0) return;
      const scale = 1 / ids.length;
      for (const id of ids) {
        const base = id * dims;
        for (let d = 0; d < dims; d++) h[offset + d] += vectors[base + d] * scale;
      }
    };
    average(words, 0);
    average(chars, dims);
    const z = out ?? new Float64Array(k);
    for (let c = 0; c < k; c++) z[c] = bias[c];
    for (let j = 0; j < 2 * dims; j++) {
      const v = h[j];
      if (v === 0) continue;
      const base = j * k;
      for (let c = 0; c < k; c++) z[c] += weights[base + c] * v;
    }
    return z;
  }
}
