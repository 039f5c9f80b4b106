import { applyPlatt, fitPlatt, type Platt } from '../model/calibration';
import { boostedMargin, fitBoosted, type BoostedModel, type BoostOptions } from '../model/gbdt';
import { fitLogistic, logisticMargin, type LogisticModel } from '../model/logistic';
import { networkMargin, type NetworkModel } from '../model/network';
import { averagePrecision, precisionAt, rocAuc } from '../model/metrics';
import { fitCountryRisk, withCountryRisk, type ReplayedSet } from './replay';
import type { CountryRisk } from '../domain/features';

export type ModelKind = 'logistic' | 'gbdt' | 'network';

export interface Split {
  name: string;
  fit: number[];
  held: number[];
}

/** A seeded stratified split: `fraction` of each class is held out. */
export function stratifiedSplit(labels: Uint8Array, fraction: number, seed = 11): Split {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const fit: number[] = [];
  const held: number[] = [];
  for (const cls of [0, 1]) {
    const members = [...labels.keys()].filter((i) => labels[i] === cls);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    const cut = Math.round(members.length * fraction);
    held.push(...members.slice(0, cut));
    fit.push(...members.slice(cut));
  }
  return { name: 'stratified', fit: fit.sort((a, b) => a - b), held: held.sort((a, b) => a - b) };
}

/** The last `fraction` of a time-ordered set is held out. */
export function timeSplit(size: number, fraction: number): Split {
  const cut = Math.round(size * (1 - fraction));
  const all = [...Array(size).keys()];
  return { name: 'time', fit: all.slice(0, cut), held: all.slice(cut) };
}

export interface Figures {
  aucPr: number;
  rocAuc: number;
  precisionAt100: number;
  held: number;
  heldFraud: number;
}

export interface Fitted {
  kind: ModelKind;
  model: LogisticModel | BoostedModel | NetworkModel;
  countryRisk: CountryRisk;
  heldMargins: Float64Array;
  heldLabels: Uint8Array;
  calibration: Platt;
  figures: Figures;
}

export const BOOST_OPTIONS: BoostOptions = {
  trees: 250,
  depth: 4,
  learningRate: 0.05,
  minLeaf: 20,
};

function splitRows(set: ReplayedSet, split: Split) {
  const countryRisk = fitCountryRisk(set, split.fit);
  const rows = withCountryRisk(set, countryRisk);
  return {
    countryRisk,
    rows,
    x: split.fit.map((i) => rows[i]),
    y: Uint8Array.from(split.fit, (i) => set.labels[i]),
    heldLabels: Uint8Array.from(split.held, (i) => set.labels[i]),
  };
}

function measured(fitted: Omit<Fitted, 'calibration' | 'figures'>): Fitted {
  const { heldMargins, heldLabels } = fitted;
  const calibration = fitPlatt(heldMargins, heldLabels);
  const probabilities = heldMargins.map((m) => applyPlatt(calibration, m));
  return {
    ...fitted,
    calibration,
    figures: {
      aucPr: averagePrecision(probabilities, heldLabels),
      rocAuc: rocAuc(probabilities, heldLabels),
      precisionAt100: precisionAt(probabilities, heldLabels, 100),
      held: heldLabels.length,
      heldFraud: heldLabels.reduce((s, v) => s + v, 0),
    },
  };
}

/** Fits a model on a split's fit rows and measures it on its held-out rows. */
export function fitAndMeasure(
  set: ReplayedSet,
  split: Split,
  kind: Exclude<ModelKind, 'network'>,
): Fitted {
  const { countryRisk, rows, x, y, heldLabels } = splitRows(set, split);
  if (kind === 'logistic') {
    const model = fitLogistic(x, y);
    const heldMargins = Float64Array.from(split.held, (i) => logisticMargin(model, rows[i]));
    return measured({ kind, model, countryRisk, heldMargins, heldLabels });
  }
  const model = fitBoosted(x, y, BOOST_OPTIONS);
  const heldMargins = Float64Array.from(split.held, (i) => boostedMargin(model, rows[i]));
  return measured({ kind, model, countryRisk, heldMargins, heldLabels });
}

/**
 * The network candidate, measured like the others. TensorFlow.js is loaded here on first use
 * only, so the service, which imports this package's training helpers, never loads it.
 */
export async function fitAndMeasureNetwork(set: ReplayedSet, split: Split): Promise<Fitted> {
  const { fitNetwork } = await import('./network');
  const { countryRisk, rows, x, y, heldLabels } = splitRows(set, split);
  const { model } = await fitNetwork(x, y);
  const heldMargins = Float64Array.from(split.held, (i) => networkMargin(model, rows[i]));
  return measured({ kind: 'network', model, countryRisk, heldMargins, heldLabels });
}
