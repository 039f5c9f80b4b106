import { loadFraudPurchases, loadIpCountryRanges } from '@qm/datasets';
import type { Logger } from 'pino';
import { FEATURE_NAMES } from '../domain/features';
import { IpCountryTable } from '../domain/ip-country';
import type { FraudModelArtefact } from '../model/artefact';
import { applyPlatt } from '../model/calibration';
import { fitBoosted } from '../model/gbdt';
import { fitLogistic } from '../model/logistic';
import { fitCountryRisk, replay, withCountryRisk } from './replay';
import {
  BOOST_OPTIONS,
  fitAndMeasureKind,
  MODEL_KINDS,
  stratifiedSplit,
  timeSplit,
  validationSplit,
  type Fitted,
  type ModelKind,
} from './evaluate';

/**
 * Decision thresholds on the calibrated probability: decline when fraud is the likely
 * outcome, review when it is several times the base rate. Precision and recall at each are
 * measured on the held-out orders and kept in the artefact.
 */
const THRESHOLDS = { review: 0.15, decline: 0.7 };

function atThreshold(probabilities: ArrayLike<number>, labels: Uint8Array, threshold: number) {
  let flagged = 0;
  let caught = 0;
  let fraud = 0;
  for (let i = 0; i < labels.length; i++) {
    fraud += labels[i];
    if (probabilities[i] >= threshold) {
      flagged += 1;
      caught += labels[i];
    }
  }
  return {
    threshold,
    precision: flagged === 0 ? 0 : caught / flagged,
    recall: fraud === 0 ? 0 : caught / fraud,
    flaggedShare: flagged / labels.length,
  };
}

async function refit(kind: ModelKind, rows: Float64Array[], labels: Uint8Array) {
  switch (kind) {
    case 'logistic':
      return fitLogistic(rows, labels);
    case 'gbdt':
      return fitBoosted(rows, labels, BOOST_OPTIONS);
    case 'network': {
      const { fitNetwork } = await import('./network');
      return (await fitNetwork(rows, labels)).model;
    }
  }
}

/** Loads the IP table with the lower-case country names it spells. */
export async function loadIpTable(dataDir: string): Promise<IpCountryTable> {
  return new IpCountryTable(await loadIpCountryRanges(dataDir));
}

/**
 * Trains the fraud model from the labelled purchases: replays them in time order, measures
 * logistic regression, boosted trees and a small network on a validation split carved out
 * of the stratified split's fit rows, and keeps the kind with the best AUC-PR there. That
 * kind is then measured on the stratified and the time split (whose held-out rows played no
 * part in the choice), calibrated (Platt) on its validation scores, and refitted on every
 * row.
 */
export async function trainModel(dataDir: string, log: Logger): Promise<FraudModelArtefact> {
  const started = Date.now();
  const { purchases, skipped } = await loadFraudPurchases(dataDir);
  const ipTable = await loadIpTable(dataDir);
  const set = replay(purchases, { ipTable });
  log.info({ rows: set.rows.length, skipped, ms: Date.now() - started }, 'purchases replayed');

  const stratified = stratifiedSplit(set.labels, 0.3);
  const validation = validationSplit(set.labels, stratified);
  const onValidation = new Map<ModelKind, Fitted>();
  for (const kind of MODEL_KINDS) {
    const fitted = await fitAndMeasureKind(set, validation, kind);
    onValidation.set(kind, fitted);
    log.info({ kind, validation: fitted.figures }, 'candidate measured');
  }
  // Ties keep the earlier, simpler kind: the sort is stable.
  const [chosen] = [...onValidation.values()].sort((a, b) => b.figures.aucPr - a.figures.aucPr);
  const aucPr = Object.fromEntries([...onValidation].map(([k, c]) => [k, c.figures.aucPr]));
  log.info({ aucPr, chosen: chosen.kind }, 'candidates compared on validation AUC-PR');

  const best = await fitAndMeasureKind(set, stratified, chosen.kind);
  const onTime = await fitAndMeasureKind(set, timeSplit(set.rows.length, 0.3), chosen.kind);
  log.info({ kind: best.kind, stratified: best.figures, time: onTime.figures }, 'chosen measured');
  const validationRecord: Record<string, unknown> = {
    candidates: Object.fromEntries([...onValidation].map(([k, c]) => [k, c.figures])),
    stratified: best.figures,
    time: onTime.figures,
  };

  const countryRisk = fitCountryRisk(set, [...set.labels.keys()]);
  const rows = withCountryRisk(set, countryRisk);
  const model = await refit(best.kind, rows, set.labels);

  // Calibrated on the validation rows, so the stratified held-out rows check the calibration
  // and the thresholds on orders that played no part in either.
  const held = best.heldMargins.map((m) => applyPlatt(chosen.calibration, m));
  const { review, decline } = THRESHOLDS;
  validationRecord.calibration = {
    meanProbability: held.reduce((sum, p) => sum + p, 0) / held.length,
    fraudRate: best.figures.heldFraud / best.figures.held,
  };
  validationRecord.thresholds = {
    review: atThreshold(held, best.heldLabels, review),
    decline: atThreshold(held, best.heldLabels, decline),
  };

  const createdAt = new Date();
  const version = `fraud-${best.kind}-${createdAt.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  log.info(
    { version, kind: best.kind, review, decline, ms: Date.now() - started },
    'model trained',
  );
  return {
    version,
    createdAt: createdAt.toISOString(),
    features: [...FEATURE_NAMES],
    model,
    calibration: chosen.calibration,
    thresholds: { review, decline },
    countryRisk,
    validation: { chosen: best.kind, selectedBy: 'validation AUC-PR', ...validationRecord },
  };
}
