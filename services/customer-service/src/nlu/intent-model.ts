import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EmbeddingModel } from './embedding-model';
import type { FeatureOptions } from './features';
import { Vectoriser, type VectoriserState } from './features';
import { logits, softmaxInPlace, type SoftmaxState } from './softmax';
import { normalise } from './text';

/** When the best intent is too weak or too close to the runner-up, the answer is fallback. */
export interface DecisionRule {
  minConfidence: number;
  minMargin: number;
}

export interface IntentScore {
  intent: string;
  confidence: number;
}

export interface Classification extends IntentScore {
  /** The model's best guess even when the decision is `fallback`. */
  best: IntentScore;
  runnerUp: IntentScore;
}

export const FALLBACK = 'fallback';

/** The n-gram embedding classifier and its share of the combined score. */
export interface EmbeddingPart {
  model: EmbeddingModel;
  /** Weight of its log-probabilities; the TF-IDF model gets the rest. */
  weight: number;
  /**
   * Its logits are divided by this before they are combined: trained to a near-zero loss,
   * it is far surer of itself than the TF-IDF model and would otherwise decide alone.
   */
  temperature: number;
}

const FORMAT = 'qm-intent-v2';

interface ModelFile {
  format: typeof FORMAT;
  trainedAt: string;
  vectoriser: VectoriserState;
  classes: string[];
  weights: string;
  bias: number[];
  embedding?: {
    weight: number;
    temperature: number;
    options: FeatureOptions;
    features: string[];
    dims: number;
    vectors: string;
    weights: string;
    bias: number[];
  };
  /** Absent in files written before it could be turned off. */
  lexicon?: boolean;
  temperature: number;
  rule: DecisionRule;
  notes: Record<string, unknown>;
}

const toBase64 = (a: Float32Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}

/** Log-softmax in place. */
function logSoftmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  const log = max + Math.log(sum);
  for (let c = 0; c < z.length; c++) z[c] -= log;
  return z;
}

/**
 * TF-IDF features with a softmax layer, optionally combined with the n-gram embedding
 * classifier (a weighted sum of the two log-probabilities, a product of experts), then a
 * calibration temperature and the fallback rule.
 */
export class IntentModel {
  private readonly z: Float64Array;
  private readonly ze: Float64Array;

  constructor(
    readonly vectoriser: Vectoriser,
    readonly softmax: SoftmaxState,
    public temperature = 1,
    public rule: DecisionRule = { minConfidence: 0.3, minMargin: 0.05 },
    readonly notes: Record<string, unknown> = {},
    public embedding?: EmbeddingPart,
    /** Whether texts have their synonyms folded (`lexicon.ts`) before features are drawn. */
    readonly lexicon = true,
  ) {
    this.z = new Float64Array(softmax.classes.length);
    this.ze = new Float64Array(softmax.classes.length);
    if (embedding && embedding.model.classes.join() !== softmax.classes.join()) {
      throw new Error('the two intent models were trained on different intents');
    }
  }

  get classes(): string[] {
    return this.softmax.classes;
  }

  /** A text as this model's features see it. */
  normalise(text: string): string {
    return normalise(text, this.lexicon);
  }

  /** Calibrated probabilities of every intent for an already-normalised text. */
  probabilities(normalised: string, temperature = this.temperature): Float64Array {
    const z = logits(this.softmax, this.vectoriser.transform(normalised), this.z);
    if (this.embedding !== undefined && this.embedding.weight > 0) {
      const { weight: w, temperature: t } = this.embedding;
      const ze = this.embedding.model.logits(normalised, this.ze);
      for (let c = 0; c < ze.length; c++) ze[c] /= t;
      logSoftmax(ze);
      logSoftmax(z);
      for (let c = 0; c < z.length; c++) z[c] = (1 - w) * z[c] + w * ze[c];
    }
    return softmaxInPlace(z, temperature).slice();
  }

  classify(text: string): Classification {
    const p = this.probabilities(this.normalise(text));
    let first = 0;
    let second = p.length > 1 ? 1 : 0;
    if (p[second] > p[first]) [first, second] = [second, first];
    for (let c = 2; c < p.length; c++) {
      if (p[c] > p[first]) {
        second = first;
        first = c;
      } else if (p[c] > p[second]) {
        second = c;
      }
    }
    const best = { intent: this.classes[first], confidence: p[first] };
    const runnerUp = { intent: this.classes[second], confidence: p[second] };
    const weak =
      best.confidence < this.rule.minConfidence ||
      best.confidence - runnerUp.confidence < this.rule.minMargin;
    return { ...(weak ? { intent: FALLBACK, confidence: best.confidence } : best), best, runnerUp };
  }

  async save(path: string): Promise<void> {
    const e = this.embedding;
    const file: ModelFile = {
      format: FORMAT,
      trainedAt: new Date().toISOString(),
      vectoriser: this.vectoriser.state,
      classes: this.classes,
      weights: toBase64(this.softmax.weights),
      bias: [...this.softmax.bias],
      ...(e === undefined
        ? {}
        : {
            embedding: {
              weight: e.weight,
              temperature: e.temperature,
              options: e.model.state.options,
              features: e.model.state.features,
              dims: e.model.state.dims,
              vectors: toBase64(e.model.state.vectors),
              weights: toBase64(e.model.state.weights),
              bias: [...e.model.state.bias],
            },
          }),
      lexicon: this.lexicon,
      temperature: this.temperature,
      rule: this.rule,
      notes: this.notes,
    };
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed, so that another process never reads half a file.
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(file));
    await rename(partial, path);
  }

  /** Reads a model file; undefined when it was written in an older format. */
  static async load(path: string): Promise<IntentModel | undefined> {
    const file = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
    if (file.format !== FORMAT) return undefined;
    const vectoriser = new Vectoriser(file.vectoriser);
    const softmax: SoftmaxState = {
      classes: file.classes,
      dims: vectoriser.size,
      weights: fromBase64(file.weights),
      bias: Float32Array.from(file.bias),
    };
    const e = file.embedding;
    const embedding =
      e === undefined
        ? undefined
        : {
            weight: e.weight,
            temperature: e.temperature,
            model: new EmbeddingModel({
              options: e.options,
              features: e.features,
              classes: file.classes,
              dims: e.dims,
              vectors: fromBase64(e.vectors),
              weights: fromBase64(e.weights),
              bias: Float32Array.from(e.bias),
            }),
          };
    return new IntentModel(
      vectoriser,
      softmax,
      file.temperature,
      file.rule,
      file.notes,
      embedding,
      file.lexicon ?? true,
    );
  }
}
