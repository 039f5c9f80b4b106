import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
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

interface ModelFile {
  format: 'qm-intent-v1';
  trainedAt: string;
  vectoriser: VectoriserState;
  classes: string[];
  weights: string;
  bias: number[];
  temperature: number;
  rule: DecisionRule;
  notes: Record<string, unknown>;
}

/** TF-IDF features, a softmax layer, a calibration temperature and the fallback rule. */
export class IntentModel {
  private readonly z: Float64Array;

  constructor(
    readonly vectoriser: Vectoriser,
    readonly softmax: SoftmaxState,
    public temperature = 1,
    public rule: DecisionRule = { minConfidence: 0.3, minMargin: 0.05 },
    readonly notes: Record<string, unknown> = {},
  ) {
    this.z = new Float64Array(softmax.classes.length);
  }

  get classes(): string[] {
    return this.softmax.classes;
  }

  /** Calibrated probabilities of every intent for an already-normalised text. */
  probabilities(normalised: string, temperature = this.temperature): Float64Array {
    const z = logits(this.softmax, this.vectoriser.transform(normalised), this.z);
    return softmaxInPlace(z, temperature).slice();
  }

  classify(text: string): Classification {
    const p = this.probabilities(normalise(text));
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
    const w = this.softmax.weights;
    const file: ModelFile = {
      format: 'qm-intent-v1',
      trainedAt: new Date().toISOString(),
      vectoriser: this.vectoriser.state,
      classes: this.classes,
      weights: Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64'),
      bias: [...this.softmax.bias],
      temperature: this.temperature,
      rule: this.rule,
      notes: this.notes,
    };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(file));
  }

  static async load(path: string): Promise<IntentModel> {
    const file = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
    if (file.format !== 'qm-intent-v1') throw new Error(`unknown model format in ${path}`);
    const bytes = Buffer.from(file.weights, 'base64');
    const weights = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const vectoriser = new Vectoriser(file.vectoriser);
    const softmax: SoftmaxState = {
      classes: file.classes,
      dims: vectoriser.size,
      weights: new Float32Array(weights),
      bias: Float32Array.from(file.bias),
    };
    return new IntentModel(vectoriser, softmax, file.temperature, file.rule, file.notes);
  }
}
