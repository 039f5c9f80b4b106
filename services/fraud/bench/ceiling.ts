/**
 * What a held-out split allows: the AUC-PR of a scorer that puts every order placed under two
 * minutes after signup first and ranks the later ones with a given skill. The later orders'
 * scores are drawn binormal (frauds shifted by `shift` standard deviations), so the skill is
 * their ROC AUC; figures are means over seeded draws.
 */
import { mulberry32 } from '@qm/learning';
import { averagePrecision, rocAuc } from '../src/model/metrics';

export interface Ceiling {
  /** AUC-PR with the later orders ranked at chance. */
  atChance: number;
  /** The later orders' ROC AUC at which the AUC-PR first reaches `target`, or null. */
  rocAucForTarget: number | null;
}

const DRAWS = 10;

function gaussian(random: () => number): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function drawn(labels: Uint8Array, quick: Uint8Array, shift: number, seed: number) {
  const random = mulberry32(seed);
  const scores = Float64Array.from(labels, (label, i) =>
    quick[i] ? 1e6 + random() : gaussian(random) + (label ? shift : 0),
  );
  const later = [...quick.keys()].filter((i) => !quick[i]);
  return {
    aucPr: averagePrecision(scores, labels),
    laterRocAuc: rocAuc(
      later.map((i) => scores[i]),
      later.map((i) => labels[i]),
    ),
  };
}

function mean(labels: Uint8Array, quick: Uint8Array, shift: number) {
  let aucPr = 0;
  let laterRocAuc = 0;
  for (let seed = 1; seed <= DRAWS; seed++) {
    const one = drawn(labels, quick, shift, seed);
    aucPr += one.aucPr / DRAWS;
    laterRocAuc += one.laterRocAuc / DRAWS;
  }
  return { aucPr, laterRocAuc };
}

/** The ceiling of a split's held-out orders (`quick`: placed under two minutes after signup). */
export function ceiling(labels: Uint8Array, quick: Uint8Array, target: number): Ceiling {
  const atChance = mean(labels, quick, 0).aucPr;
  for (let shift = 0.05; shift <= 3; shift += 0.05) {
    const m = mean(labels, quick, shift);
    if (m.aucPr >= target) return { atChance, rocAucForTarget: m.laterRocAuc };
  }
  return { atChance, rocAucForTarget: null };
}
