import { words } from './text';

/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** How raw features are drawn from a normalised text. */
export interface FeatureOptions {
  wordNgrams: number;
  charMin: number;
  charMax: number;
  /** Weight of the character block against the word block (each is L2-normalised). */
  charWeight: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  wordNgrams: 1,
  charMin: 2,
  charMax: 5,
  charWeight: 1.5,
};

/** Raw counts of word n-grams (prefixed `w:`) and in-word character n-grams (`c:`). */
export function rawFeatures(text: string, opts: FeatureOptions): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const toks = words(text);
  for (let n = 1; n <= opts.wordNgrams; n++) {
    for (let i = 0; i + n <= toks.length; i++) add('w:' + toks.slice(i, i + n).join(' '));
  }
  for (const tok of toks) for (const gram of charGrams(tok, opts)) add(gram);
  return counts;
}

// Words repeat across messages, so their character n-grams are worked out once.
const GRAM_CACHE_LIMIT = 100_000;
const gramCache = new Map<string, string[]>();

/** The in-word character n-grams of one word, padded with a space at each end. */
function charGrams(tok: string, opts: FeatureOptions): string[] {
  const key = `${opts.charMin}:${opts.charMax}:${tok}`;
  const cached = gramCache.get(key);
  if (cached !== undefined) return cached;
  const padded = ` ${tok} `;
  const grams: string[] = [];
  for (let n = opts.charMin; n <= opts.charMax; n++) {
    for (let i = 0; i + n <= padded.length; i++) grams.push('c:' + padded.slice(i, i + n));
  }
  if (gramCache.size >= GRAM_CACHE_LIMIT) gramCache.clear();
  gramCache.set(key, grams);
  return grams;
}

/** The fitted state of a {@link Vectoriser}, as stored in the model file. */
export interface VectoriserState {
  options: FeatureOptions;
  features: string[];
  idf: number[];
}

/** TF-IDF with sublinear term frequency; word and character blocks normalised apart. */
export class Vectoriser {
  private readonly index: Map<string, number>;

  constructor(readonly state: VectoriserState) {
    this.index = new Map(state.features.map((f, i) => [f, i]));
  }

  get size(): number {
    return this.state.features.length;
  }

  /** Learns the vocabulary (features seen in at least `minDf` texts) and the IDF. */
  static fit(texts: string[], options: FeatureOptions, minDf = 2): Vectoriser {
    const df = new Map<string, number>();
    for (const text of texts) {
      for (const key of rawFeatures(text, options).keys()) df.set(key, (df.get(key) ?? 0) + 1);
    }
    const features = [...df.entries()].filter(([, n]) => n >= minDf).map(([f]) => f);
    features.sort();
    const n = texts.length;
    const idf = features.map((f) => Math.log((1 + n) / (1 + (df.get(f) ?? 0))) + 1);
    return new Vectoriser({ options, features, idf });
  }

  transform(text: string): SparseVector {
    const { options, idf } = this.state;
    const entries: [number, number, boolean][] = [];
    let wordNorm = 0;
    let charNorm = 0;
    for (const [key, count] of rawFeatures(text, options)) {
      const i = this.index.get(key);
      if (i === undefined) continue;
      const v = (1 + Math.log(count)) * idf[i];
      const isChar = key.charCodeAt(0) === 99; // 'c'
      if (isChar) charNorm += v * v;
      else wordNorm += v * v;
      entries.push([i, v, isChar]);
    }
    const wScale = wordNorm > 0 ? 1 / Math.sqrt(wordNorm) : 0;
    const cScale = charNorm > 0 ? options.charWeight / Math.sqrt(charNorm) : 0;
    const idx = new Int32Array(entries.length);
    const val = new Float32Array(entries.length);
    entries.forEach(([i, v, isChar], k) => {
      idx[k] = i;
      val[k] = v * (isChar ? cScale : wScale);
    });
    return { idx, val };
  }
}
