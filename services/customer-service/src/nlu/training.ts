import { mulberry32 } from '@qm/learning';
import { augment } from './augment';
import { DEFAULT_EMBEDDING_TRAINING, type EmbeddingTrainOptions } from './embedding-options';
import { DEFAULT_FEATURES, Vectoriser, type FeatureOptions, type SparseVector } from './features';
import { IntentModel, type EmbeddingPart } from './intent-model';
import { paraphrases } from './paraphrases';
import {
  DEFAULT_TRAINING,
  trainSoftmax,
  type SoftmaxState,
  type SoftmaxTrainOptions,
} from './softmax';
import { normalise } from './text';

export interface LabelledText {
  text: string;
  intent: string;
}

export interface TrainOptions {
  features: FeatureOptions;
  softmax: SoftmaxTrainOptions;
  /** Examples drawn per class and epoch: small classes are repeated, big ones subsampled. */
  perClass: number;
  /** Noisy copies made of each utterance (see `augment`). */
  noisyCopies: number;
  /** SGD runs from different seeds whose weights are averaged. */
  runs: number;
  /** Adds our own paraphrases of every intent (`paraphrases.ts`) to the examples. */
  paraphrases: boolean;
  /** Folds synonyms and drops noise words (`lexicon.ts`) in training and serving. */
  lexicon: boolean;
  /** The n-gram embedding classifier, or undefined for the TF-IDF model alone. */
  embedding?: EmbeddingTrainOptions & { weight: number; temperature: number };
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  features: DEFAULT_FEATURES,
  softmax: DEFAULT_TRAINING,
  perClass: 500,
  noisyCopies: 8,
  runs: 3,
  paraphrases: true,
  lexicon: true,
  embedding: { ...DEFAULT_EMBEDDING_TRAINING, weight: 0.5, temperature: 3 },
};

/** Normalised texts per class, each utterance followed by its noisy copies. */
interface Pools {
  classes: string[];
  clean: string[];
  pools: string[][];
}

function buildPools(examples: LabelledText[], options: TrainOptions): Pools {
  const random = mulberry32(options.softmax.seed + 1);
  const clean = examples.map((e) => ({
    text: normalise(e.text, options.lexicon),
    intent: e.intent,
  }));
  const classes = [...new Set(clean.map((e) => e.intent))].sort();
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const pools: string[][] = classes.map(() => []);
  for (const e of clean) {
    const pool = pools[classIndex.get(e.intent) ?? 0];
    pool.push(e.text);
    for (let n = 0; n < options.noisyCopies; n++) pool.push(augment(e.text, random));
  }
  return { classes, clean: clean.map((e) => e.text), pools };
}

/** The TF-IDF vectoriser and softmax layer, trained on class-balanced draws of the pools. */
function trainTfidf(
  { classes, clean, pools }: Pools,
  options: TrainOptions,
): { vectoriser: Vectoriser; softmax: SoftmaxState } {
  const vectoriser = Vectoriser.fit(clean, options.features);
  const vectors: SparseVector[][] = pools.map((pool) => pool.map((t) => vectoriser.transform(t)));

  const draw = (_epoch: number, rnd: () => number): { x: SparseVector; y: number }[] => {
    const batch: { x: SparseVector; y: number }[] = [];
    vectors.forEach((pool, y) => {
      for (let i = 0; i < options.perClass; i++) {
        batch.push({ x: pool[Math.floor(rnd() * pool.length)], y });
      }
    });
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [batch[i], batch[j]] = [batch[j], batch[i]];
    }
    return batch;
  };

  // Runs from different seeds disagree by a point or two on a new sample; averaging their
  // weights (a linear model, so the same as averaging their logits) steadies the result.
  const runs = Array.from({ length: options.runs }, (_, r) =>
    trainSoftmax(classes, vectoriser.size, draw, {
      ...options.softmax,
      seed: options.softmax.seed + 101 * r,
    }),
  );
  const softmax = runs[0];
  for (const other of runs.slice(1)) {
    for (let i = 0; i < softmax.weights.length; i++) softmax.weights[i] += other.weights[i];
    for (let c = 0; c < softmax.bias.length; c++) softmax.bias[c] += other.bias[c];
  }
  for (let i = 0; i < softmax.weights.length; i++) softmax.weights[i] /= runs.length;
  for (let c = 0; c < softmax.bias.length; c++) softmax.bias[c] /= runs.length;
  return { vectoriser, softmax };
}

/**
 * Trains the intent model on labelled texts: the TF-IDF model and, unless left out, the
 * n-gram embedding classifier on the same noisy, class-balanced pools. The temperature is
 * left at 1.
 */
export async function trainIntentModel(
  examples: LabelledText[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): Promise<IntentModel> {
  const all = options.paraphrases ? [...examples, ...paraphrases()] : examples;
  const pools = buildPools(all, options);
  const { vectoriser, softmax } = trainTfidf(pools, options);
  const e = options.embedding;
  let embedding: EmbeddingPart | undefined;
  if (e !== undefined) {
    // TensorFlow.js is loaded only when a model is trained, not by a service that loads one.
    const { trainEmbeddingModel } = await import('./embedding-training');
    const model = await trainEmbeddingModel(pools.classes, pools.pools, pools.clean, e);
    embedding = { model, weight: e.weight, temperature: e.temperature };
  }
  return new IntentModel(
    vectoriser,
    softmax,
    1,
    undefined,
    { examples: examples.length, features: vectoriser.size },
    embedding,
    options.lexicon,
  );
}

/** Picks the temperature that minimises the negative log-likelihood of held-out texts. */
export function fitTemperature(model: IntentModel, held: LabelledText[]): number {
  const classIndex = new Map(model.classes.map((c, i) => [c, i]));
  const rows = held
    .filter((e) => classIndex.has(e.intent))
    .map((e) => ({ text: model.normalise(e.text), y: classIndex.get(e.intent) ?? 0 }));
  let best = { t: 1, nll: Infinity };
  for (let t = 0.2; t <= 3.001; t += 0.1) {
    let nll = 0;
    for (const r of rows) nll -= Math.log(Math.max(1e-12, model.probabilities(r.text, t)[r.y]));
    if (nll < best.nll) best = { t, nll };
  }
  return Math.round(best.t * 100) / 100;
}

export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Share answered `fallback` under the model's decision rule. */
  fallbackRate: number;
  /** Accuracy among the answers that were not `fallback`. */
  answeredAccuracy: number;
}

/** Accuracy and macro-F1 of the best guess, plus how the fallback rule behaves. */
export function evaluate(model: IntentModel, held: LabelledText[]): Scores {
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  let correct = 0;
  let fallbacks = 0;
  let answeredCorrect = 0;
  for (const e of held) {
    const c = model.classify(e.text);
    if (c.intent === 'fallback') fallbacks++;
    if (c.best.intent === e.intent) {
      correct++;
      bump(tp, e.intent);
      if (c.intent !== 'fallback') answeredCorrect++;
    } else {
      bump(fp, c.best.intent);
      bump(fn, e.intent);
    }
  }
  const labels = new Set(held.map((e) => e.intent));
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const denom = 2 * t + (fp.get(label) ?? 0) + (fn.get(label) ?? 0);
    f1Sum += denom === 0 ? 0 : (2 * t) / denom;
  }
  const n = held.length;
  return {
    n,
    accuracy: n === 0 ? 0 : correct / n,
    macroF1: labels.size === 0 ? 0 : f1Sum / labels.size,
    fallbackRate: n === 0 ? 0 : fallbacks / n,
    answeredAccuracy: n - fallbacks === 0 ? 0 : answeredCorrect / (n - fallbacks),
  };
}
