/**
 * Noisy copies of training utterances. The second sample is written by other hands, with
 * other typos and fewer words; dropping words and injecting typos teaches the model not to
 * lean on any single token.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One random typo (swap, drop, double or replace a letter) in a word of 4+ letters. */
export function typo(word: string, random: () => number): string {
  if (word.length < 4 || word.startsWith('x')) return word;
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 4);
  if (kind === 0) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 2) return word.slice(0, i) + word[i] + word.slice(i);
  const letter = LETTERS[Math.floor(random() * LETTERS.length)];
  return word.slice(0, i) + letter + word.slice(i + 1);
}

/** A noisy copy of a normalised text: some words dropped, some words misspelt. */
export function augment(text: string, random: () => number, drop = 0.15, misspell = 0.1): string {
  const toks = text.split(' ');
  const kept = toks.filter(() => toks.length < 3 || random() >= drop);
  const out = (kept.length > 0 ? kept : toks).map((w) =>
    random() < misspell ? typo(w, random) : w,
  );
  return out.join(' ');
}
