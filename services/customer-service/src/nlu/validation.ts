import { mulberry32 } from '@qm/learning';
import { surfaceForm } from './text';

/**
 * Splits for validation that keep near-copies of one utterance on the same side. The
 * 4,514-row sample writes each instruction several times with another order number or
 * account type, another synonym or a typo; a random split would test on copies of training
 * rows and report a figure no new writer would reach.
 */

export interface SpannedText {
  text: string;
  intent: string;
  entity?: { start: number; end: number };
}

/**
 * The text with its entity span (when known) replaced by one placeholder, normalised but not
 * stemmed, so that the folds stay those the settings were chosen on.
 */
export function templateOf(row: SpannedText): string {
  const { text, entity } = row;
  const masked =
    entity && entity.end > entity.start && entity.end <= text.length
      ? `${text.slice(0, entity.start)} xentity ${text.slice(entity.end)}`
      : text;
  return surfaceForm(masked);
}

function trigrams(text: string): Set<string> {
  const padded = ` ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * A group number per row: rows with the same template are one group, and groups of one
 * intent whose templates share at least `similarity` of their character trigrams (a typo,
 * a word swapped) are merged.
 */
export function nearDuplicateGroups(rows: SpannedText[], similarity = 0.7): number[] {
  const templates = rows.map(templateOf);
  const distinct = [...new Set(templates)];
  const parent = distinct.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const intentOf = new Map<string, string>();
  rows.forEach((r, i) => intentOf.set(templates[i], r.intent));
  const grams = distinct.map(trigrams);
  for (let a = 0; a < distinct.length; a++) {
    for (let b = a + 1; b < distinct.length; b++) {
      if (intentOf.get(distinct[a]) !== intentOf.get(distinct[b])) continue;
      if (jaccard(grams[a], grams[b]) >= similarity) parent[find(a)] = find(b);
    }
  }
  const index = new Map(distinct.map((t, i) => [t, i]));
  const roots = new Map<number, number>();
  return templates.map((t) => {
    const root = find(index.get(t) ?? 0);
    if (!roots.has(root)) roots.set(root, roots.size);
    return roots.get(root) ?? 0;
  });
}

/** Assigns whole groups to `k` folds at random (seeded); returns the fold of each row. */
export function groupFolds(groups: number[], k: number, seed = 11): number[] {
  const random = mulberry32(seed);
  const ids = [...new Set(groups)];
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const foldOf = new Map(ids.map((g, i) => [g, i % k]));
  return groups.map((g) => foldOf.get(g) ?? 0);
}
