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
  fitAndMeasure,
  fitAndMeasureNetwork,
  stratifiedSplit,
  timeSplit,
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
 * logistic regression, boosted trees and a small network on a stratified and a time split,
 * keeps the kind with the best stratified AUC-PR, refits it on every row and calibrates it
 * (Platt) on the stratified held-out scores of the same kind.
 */
export async function trainModel(dataDir: string, log: Logger): Promise<FraudModelArtefact> {
  const started = Date.now();
  const { purchases, skipped } = await loadFraudPurchases(dataDir);
  const ipTable = await loadIpTable(dataDir);
  const set = replay(purchases, { ipTable });
  log.info({ rows: set.rows.length, skipped, ms: Date.now() - started }, 'purchases replayed');

  const stratified = stratifiedSplit(set.labels, 0.3);
  const time = timeSplit(set.rows.length, 0.3);
  const validation: Record<string, unknown> = {};
  const candidates = new Map<ModelKind, ReturnType<typeof fitAndMeasure>>();
  for (const kind of ['logistic', 'gbdt', 'network'] as const) {
    const onStratified =
      kind === 'network'
        ? await fitAndMeasureNetwork(set, stratified)
        : fitAndMeasure(set, stratified, kind);
    const onTime =
      kind === 'network' ? await fitAndMeasureNetwork(set, time) : fitAndMeasure(set, time, kind);
    candidates.set(kind, onStratified);
    validation[kind] = { stratified: onStratified.figures, time: onTime.figures };
    log.info(
      { kind, stratified: onStratified.figures, time: onTime.figures },
      'candidate measured',
    );
  }
  // Ties keep the earlier, simpler kind: the sort is stable.
  const [best] = [...candidates.values()].sort((a, b) => b.figures.aucPr - a.figures.aucPr);
  const aucPr = Object.fromEntries([...candidates].map(([kind, c]) => [kind, c.figures.aucPr]));
  log.info({ aucPr, chosen: best.kind }, 'candidates compared on stratified AUC-PR');

  const countryRisk = fitCountryRisk(set, [...set.labels.keys()]);
  const rows = withCountryRisk(set, countryRisk);
  const model = await refit(best.kind, rows, set.labels);

  const held = best.heldMargins.map((m) => applyPlatt(best.calibration, m));
  const { review, decline } = THRESHOLDS;
  validation.thresholds = {
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
    calibration: best.calibration,
    thresholds: { review, decline },
    countryRisk,
    validation: { chosen: best.kind, selectedBy: 'stratified AUC-PR', ...validation },
  };
}
