import stem from 'wink-porter2-stemmer';
import { canonicalWords } from './lexicon';

/**
 * Text normalisation shared by training and serving, so both see the same tokens.
 * Entities are replaced by placeholder words: the intent does not depend on which order
 * number or amount was written, and unseen numbers would otherwise be noise.
 */

/** Removes NUL and other control characters (tabs and line breaks become spaces). */
export function stripControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code === 9 || code === 10 || code === 13) out += ' ';
    else if (code >= 32 && (code < 127 || code >= 160)) out += ch;
  }
  return out;
}

/** Changes whenever normalisation changes, so that a model trained on older tokens is retrained. */
export const TEXT_VERSION = 5;

/**
 * Templated samples write entities as placeholders (`{{Order Number}}`); numbers and
 * amounts become the masks real values get, other placeholders are dropped.
 */
const PLACEHOLDERS: [RegExp, string][] = [
  [/\{\{[^{}]*(?:amount|money|price|total)[^{}]*\}\}/gi, ' xamount '],
  [/\{\{[^{}]*(?:number|id|no)\}\}/gi, ' xnum '],
  [/\{\{[^{}]*\}\}/g, ' '],
];

const MASKS: [RegExp, string][] = [
  ...PLACEHOLDERS,
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' xemail '],
  [/\bhttps?:\/\/\S+/g, ' xurl '],
  [/[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:dollars?|euros?|pounds?|usd|eur|gbp|bucks)\b/g, ' xamount '],
  [/#?\b[a-z]*\d[\w-]*/g, ' xnum '],
];

const MASK_WORDS = new Set(['xnum', 'xamount', 'xemail', 'xurl']);

// Shoppers' words repeat, so each word is stemmed once.
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

/**
 * The Porter (English, version 2) stem of a word: another writer says "payments",
 * "cancelling" or "troubles" where the training sample said "payment", "cancel", "trouble".
 */
function stemOf(word: string): string {
  if (MASK_WORDS.has(word)) return word;
  let out = stemCache.get(word);
  if (out === undefined) {
    out = stem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, out);
  }
  return out;
}

/**
 * Lower case, accents removed, entities masked, punctuation gone, repeats collapsed,
 * synonyms folded unless `lexicon` is false (see `lexicon.ts`); words are not stemmed.
 */
export function surfaceForm(text: string, lexicon = true): string {
  let t = stripControl(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  for (const [pattern, token] of MASKS) t = t.replace(pattern, token);
  t = t
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1$1')
    .trim();
  return (lexicon ? canonicalWords(words(t)) : words(t)).join(' ');
}

/** The surface form with every word stemmed: the tokens both intent models see. */
export function normalise(text: string, lexicon = true): string {
  return words(surfaceForm(text, lexicon)).map(stemOf).join(' ');
}

/** Whitespace tokens of normalised text. */
export function words(normalised: string): string[] {
  return normalised.length === 0 ? [] : normalised.split(' ');
}
