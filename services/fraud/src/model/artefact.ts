import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES, type CountryRisk } from '../domain/features';
import { applyPlatt, type Platt } from './calibration';
import { boostedMargin, type BoostedModel } from './gbdt';
import { logisticMargin, type LogisticModel } from './logistic';
import { networkMargin, type NetworkModel } from './network';

/** Decision thresholds on the calibrated probability. */
export interface Thresholds {
  review: number;
  decline: number;
}

/** The trained model as saved to disk and loaded by the service. */
export interface FraudModelArtefact {
  version: string;
  createdAt: string;
  features: string[];
  model: LogisticModel | BoostedModel | NetworkModel;
  calibration: Platt;
  thresholds: Thresholds;
  countryRisk: CountryRisk;
  /** How the model was chosen: figures per candidate on the validation splits. */
  validation: Record<string, unknown>;
}

const LATEST = 'latest.json';

/** The raw score of a row; `contributions` (one per feature) receives each feature's push. */
export function margin(
  artefact: FraudModelArtefact,
  row: Float64Array,
  contributions?: Float64Array,
): number {
  const model = artefact.model;
  switch (model.kind) {
    case 'gbdt':
      return boostedMargin(model, row, contributions);
    case 'network':
      return networkMargin(model, row, contributions);
    case 'logistic':
      return logisticMargin(model, row, contributions);
  }
}

/** The calibrated fraud probability of a row. */
export function probability(artefact: FraudModelArtefact, row: Float64Array): number {
  return applyPlatt(artefact.calibration, margin(artefact, row));
}

/** Writes the artefact as `<version>.json` and points `latest.json` at the same content. */
export function saveArtefact(dir: string, artefact: FraudModelArtefact): string {
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(artefact);
  const path = join(dir, `${artefact.version}.json`);
  writeFileSync(path, text);
  const tmp = join(dir, `${LATEST}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, LATEST));
  return path;
}

/** Loads the latest artefact, or undefined when none is there or its features do not match. */
export function loadArtefact(dir: string): FraudModelArtefact | undefined {
  const path = join(dir, LATEST);
  if (!existsSync(path)) return undefined;
  const artefact = JSON.parse(readFileSync(path, 'utf8')) as FraudModelArtefact;
  const same =
    artefact.features.length === FEATURE_NAMES.length &&
    artefact.features.every((f, i) => f === FEATURE_NAMES[i]);
  return same ? artefact : undefined;
}
