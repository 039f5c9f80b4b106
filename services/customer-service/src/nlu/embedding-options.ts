import type { FeatureOptions } from './features';

/** Settings of the n-gram embedding classifier's training (`embedding-training.ts`). */
export interface EmbeddingTrainOptions {
  features: FeatureOptions;
  /** Length of each feature vector. */
  dims: number;
  epochs: number;
  /** Examples drawn per class and epoch: small classes are repeated, big ones subsampled. */
  perClass: number;
  batchSize: number;
  learningRate: number;
  /** Dropout on the averaged vectors while training. */
  dropout: number;
  seed: number;
}

export const DEFAULT_EMBEDDING_TRAINING: EmbeddingTrainOptions = {
  features: { wordNgrams: 1, charMin: 3, charMax: 5, charWeight: 1 },
  dims: 32,
  epochs: 8,
  perClass: 500,
  batchSize: 128,
  learningRate: 0.01,
  dropout: 0.3,
  seed: 17,
};
