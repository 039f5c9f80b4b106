/**
 * A bigram language model in ARPA text format, built from the training utterances, for the
 * speech recogniser. Its general English model knows nothing of orders and refunds; a model
 * of how shoppers write makes it hear "track my order" rather than "trac my odour".
 * Absolute discounting with back-off to unigrams.
 */

const DISCOUNT = 0.5;

function log10(x: number): string {
  return Math.log10(x).toFixed(4);
}

/** Sentences as word lists: lower case letters and apostrophes only. */
export function lmWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
}

/** Builds the ARPA text of a bigram model over the words the recogniser can pronounce. */
export function buildArpa(sentences: string[][], pronounceable: (word: string) => boolean): string {
  const uni = new Map<string, number>();
  const bi = new Map<string, Map<string, number>>();
  let total = 0;
  for (const raw of sentences) {
    const words = raw.filter(pronounceable);
    if (words.length === 0) continue;
    const seq = ['<s>', ...words, '</s>'];
    for (let i = 0; i < seq.length; i++) {
      if (i > 0) {
        uni.set(seq[i], (uni.get(seq[i]) ?? 0) + 1);
        total++;
      }
      if (i + 1 < seq.length) {
        const next = bi.get(seq[i]) ?? new Map<string, number>();
        next.set(seq[i + 1], (next.get(seq[i + 1]) ?? 0) + 1);
        bi.set(seq[i], next);
      }
    }
  }
  const pUni = (w: string): number => (uni.get(w) ?? 0) / total;

  const uniLines: string[] = [];
  const biLines: string[] = [];
  const vocab = ['<s>', ...[...uni.keys()].sort()];
  for (const w of vocab) {
    const next = bi.get(w);
    let backoff = '';
    if (next) {
      const count = [...next.values()].reduce((a, b) => a + b, 0);
      let kept = 0;
      let covered = 0;
      for (const [v, c] of next) {
        const p = (c - DISCOUNT) / count;
        kept += p;
        covered += pUni(v);
        biLines.push(`${log10(p)} ${w} ${v}`);
      }
      backoff = ` ${log10(Math.max(1e-9, (1 - kept) / Math.max(1e-9, 1 - covered)))}`;
    }
    const p = w === '<s>' ? '-99.0000' : log10(pUni(w));
    uniLines.push(`${p} ${w}${backoff}`);
  }
  return [
    '\\data\\',
    `ngram 1=${uniLines.length}`,
    `ngram 2=${biLines.length}`,
    '',
    '\\1-grams:',
    ...uniLines,
    '',
    '\\2-grams:',
    ...biLines,
    '',
    '\\end\\',
    '',
  ].join('\n');
}
