import { seededRandom } from '@qm/learning';
import { applyPlatt, fitPlatt, type Platt } from '../model/calibration';
import { boostedMargin, fitBoosted, type BoostedModel, type BoostOptions } from '../model/gbdt';
import { fitLogistic, logisticMargin, type LogisticModel } from '../model/logistic';
import { networkMargin, type NetworkModel } from '../model/network';
import { averagePrecision, precisionAt, rocAuc } from '../model/metrics';
import { fitCountryRisk, replay, withCountryRisk, type ReplayedSet } from './replay';
import { FEATURE_NAMES, type CountryRisk, type FeatureContext } from '../domain/features';

export type ModelKind = 'logistic' | 'gbdt' | 'network';

export interface Split {
  name: string;
  fit: number[];
  held: number[];
  /**
   * Features of the fit rows, in `fit` order, when they come from a stream other than the
   * full one (see `withHeldOutAbsent`); otherwise the set's own rows are used.
   */
  fitRows?: Float64Array[];
}

/** A seeded stratified split: `fraction` of each class is held out. */
export function stratifiedSplit(labels: Uint8Array, fraction: number, seed = 11): Split {
  const random = seededRandom(seed);
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

/**
 * A stratified `fraction` of the fit rows of `outer`, held out to choose the model by: the
 * outer held-out rows, which are reported, play no part in the choice.
 */
export function validationSplit(labels: Uint8Array, outer: Split, fraction = 0.25): Split {
  const inner = stratifiedSplit(
    Uint8Array.from(outer.fit, (i) => labels[i]),
    fraction,
    23,
  );
  return {
    name: `validation (inside the ${outer.name} fit rows)`,
    fit: inner.fit.map((k) => outer.fit[k]),
    held: inner.held.map((k) => outer.fit[k]),
  };
}

/**
 * The split with its fit rows' features replayed from a stream without the held-out orders,
 * while the held-out rows keep the features of the full stream. This is the situation of a
 * model trained on a share of a shop's purchases: it learns from that share, and is evaluated on
 * orders whose velocity also counts purchases we never had, so their device and IP counts run
 * higher than any it learnt from.
 */
export function withHeldOutAbsent(set: ReplayedSet, split: Split, context: FeatureContext): Split {
  const alone = replay(
    split.fit.map((i) => set.purchases[i]),
    context,
  );
  return {
    ...split,
    name: `${split.name}, held-out orders absent from the fit stream`,
    fitRows: alone.rows,
  };
}

/** The last `fraction` of a time-ordered set is held out. */
export function timeSplit(size: number, fraction: number): Split {
  const cut = Math.round(size * (1 - fraction));
  const all = [...Array(size).keys()];
  return { name: 'time', fit: all.slice(0, cut), held: all.slice(cut) };
}

export interface Ranking {
  aucPr: number;
  rocAuc: number;
  held: number;
  heldFraud: number;
}

export interface Figures extends Ranking {
  precisionAt100: number;
  /**
   * The held-out orders placed two minutes or more after signup (or without a signup time):
   * what is left once the quickest frauds are found.
   */
  afterTwoMinutes: Ranking;
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

/** Chosen on the validation split of `validationSplit` (shallow trees did best there). */
export const BOOST_OPTIONS: BoostOptions = {
  trees: 400,
  depth: 2,
  learningRate: 0.05,
  minLeaf: 100,
};

const QUICK_COLUMN = FEATURE_NAMES.indexOf('signup_gap_under_2m');

function splitRows(set: ReplayedSet, split: Split) {
  const countryRisk = fitCountryRisk(set, split.fit);
  const rows = withCountryRisk(set, countryRisk);
  const x = split.fitRows
    ? withCountryRisk(
        { ...set, rows: split.fitRows, countries: split.fit.map((i) => set.countries[i]) },
        countryRisk,
      )
    : split.fit.map((i) => rows[i]);
  return {
    countryRisk,
    rows,
    x,
    y: Uint8Array.from(split.fit, (i) => set.labels[i]),
    heldLabels: Uint8Array.from(split.held, (i) => set.labels[i]),
    heldQuick: Uint8Array.from(split.held, (i) => rows[i][QUICK_COLUMN]),
  };
}

function ranking(scores: ArrayLike<number>, labels: Uint8Array): Ranking {
  return {
    aucPr: averagePrecision(scores, labels),
    rocAuc: rocAuc(scores, labels),
    held: labels.length,
    heldFraud: labels.reduce((s, v) => s + v, 0),
  };
}

function measured(fitted: Omit<Fitted, 'calibration' | 'figures'>, quick: Uint8Array): Fitted {
  const { heldMargins, heldLabels } = fitted;
  const calibration = fitPlatt(heldMargins, heldLabels);
  const probabilities = heldMargins.map((m) => applyPlatt(calibration, m));
  const later = [...quick.keys()].filter((k) => quick[k] === 0);
  return {
    ...fitted,
    calibration,
    figures: {
      ...ranking(probabilities, heldLabels),
      precisionAt100: precisionAt(probabilities, heldLabels, 100),
      afterTwoMinutes: ranking(
        later.map((k) => probabilities[k]),
        Uint8Array.from(later, (k) => heldLabels[k]),
      ),
    },
  };
}

/** Fits a model on a split's fit rows and measures it on its held-out rows. */
export function fitAndMeasure(
  set: ReplayedSet,
  split: Split,
  kind: Exclude<ModelKind, 'network'>,
): Fitted {
  const { countryRisk, rows, x, y, heldLabels, heldQuick } = splitRows(set, split);
  if (kind === 'logistic') {
    const model = fitLogistic(x, y);
    const heldMargins = Float64Array.from(split.held, (i) => logisticMargin(model, rows[i]));
    return measured({ kind, model, countryRisk, heldMargins, heldLabels }, heldQuick);
  }
  const model = fitBoosted(x, y, BOOST_OPTIONS);
  const heldMargins = Float64Array.from(split.held, (i) => boostedMargin(model, rows[i]));
  return measured({ kind, model, countryRisk, heldMargins, heldLabels }, heldQuick);
}

/**
 * The network candidate, measured like the others. TensorFlow.js is loaded here on first use
 * only, so the service, which imports this package's training helpers, never loads it.
 */
export async function fitAndMeasureNetwork(set: ReplayedSet, split: Split): Promise<Fitted> {
  const { fitNetwork } = await import('./network');
  const { countryRisk, rows, x, y, heldLabels, heldQuick } = splitRows(set, split);
  const { model } = await fitNetwork(x, y);
  const heldMargins = Float64Array.from(split.held, (i) => networkMargin(model, rows[i]));
  return measured({ kind: 'network', model, countryRisk, heldMargins, heldLabels }, heldQuick);
}

export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'gbdt', 'network'];

/** Any kind, fitted on a split's fit rows and measured on its held-out rows. */
export function fitAndMeasureKind(
  set: ReplayedSet,
  split: Split,
  kind: ModelKind,
): Promise<Fitted> {
  return kind === 'network'
    ? fitAndMeasureNetwork(set, split)
    : Promise.resolve(fitAndMeasure(set, split, kind));
}
