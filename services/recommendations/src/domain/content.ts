import { type ScoreMap } from './types';

const STOP = new Set(['a', 'an', 'and', 'the', 'of', 'in', 'on', 'for', 'with', 'to', 'set', 'x']);

/** Lower-case word tokens of a title or description, without stop words or bare numbers. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1 && !STOP.has(t) && !/^\d+$/.test(t));
}

/** TF-IDF vectors of item texts with an inverted index for cosine neighbours. */
export class ContentIndex {
  private readonly vectors: Map<number, number>[] = [];
  private readonly postings = new Map<number, number[]>();

  constructor(texts: readonly string[]) {
    const vocabulary = new Map<string, number>();
    const docs = texts.map((text) => {
      const tf = new Map<number, number>();
      for (const token of tokenize(text)) {
        let id = vocabulary.get(token);
        if (id === undefined) {
          id = vocabulary.size;
          vocabulary.set(token, id);
        }
        tf.set(id, (tf.get(id) ?? 0) + 1);
      }
      return tf;
    });
    const df = new Map<number, number>();
    for (const tf of docs) for (const term of tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const n = Math.max(1, docs.length);
    docs.forEach((tf, item) => {
      const vector = new Map<number, number>();
      let norm = 0;
      for (const [term, count] of tf) {
        const w = (1 + Math.log(count)) * Math.log(1 + n / (df.get(term) ?? 1));
        vector.set(term, w);
        norm += w * w;
      }
      norm = Math.sqrt(norm);
      for (const [term, w] of vector) {
        vector.set(term, w / norm);
        let list = this.postings.get(term);
        if (list === undefined) this.postings.set(term, (list = []));
        list.push(item);
      }
      this.vectors[item] = vector;
    });
  }

  /** Cosine similarity of `item`'s text to every item sharing a term with it. */
  similar(item: number): ScoreMap {
    const out: ScoreMap = new Map();
    const vector = this.vectors[item];
    if (vector === undefined) return out;
    for (const [term, w] of vector) {
      for (const other of this.postings.get(term) ?? []) {
        if (other === item) continue;
        const v = this.vectors[other].get(term) ?? 0;
        out.set(other, (out.get(other) ?? 0) + w * v);
      }
    }
    return out;
  }
}
