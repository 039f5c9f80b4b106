import { loadFraudPurchases, loadIpCountryRanges } from '@qm/datasets';
import type { Logger } from 'pino';
import { FEATURE_NAMES } from '../domain/features';
import { IpCountryTable } from '../domain/ip-country';
import type { FraudModelArtefact } from '../model/artefact';
import { applyPlatt } from '../model/calibration';
import { fitBoosted } from '../model/gbdt';
import { fitLogistic } from '../model/logistic';
import { thresholdForPrecision } from '../model/metrics';
import { fitCountryRisk, replay, withCountryRisk } from './replay';
import {
  BOOST_OPTIONS,
  fitAndMeasure,
  stratifiedSplit,
  timeSplit,
  type ModelKind,
} from './evaluate';

/** Precision the decision thresholds aim for on held-out orders. */
const REVIEW_PRECISION = 0.3;
const DECLINE_PRECISION = 0.9;

/** Loads the IP table with the lower-case country names it spells. */
export async function loadIpTable(dataDir: string): Promise<IpCountryTable> {
  return new IpCountryTable(await loadIpCountryRanges(dataDir));
}

/**
 * Trains the fraud model from the labelled purchases: replays them in time order, measures
 * logistic regression and boosted trees on a stratified and a time split, keeps the kind with
 * the better stratified AUC-PR, refits it on every row and calibrates it (Platt) on the
 * stratified held-out scores of the same kind.
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
  for (const kind of ['logistic', 'gbdt'] as const) {
    const onStratified = fitAndMeasure(set, stratified, kind);
    const onTime = fitAndMeasure(set, time, kind);
    candidates.set(kind, onStratified);
    validation[kind] = { stratified: onStratified.figures, time: onTime.figures };
    log.info(
      { kind, stratified: onStratified.figures, time: onTime.figures },
      'candidate measured',
    );
  }
  const [best] = [...candidates.values()].sort((a, b) => b.figures.aucPr - a.figures.aucPr);

  const countryRisk = fitCountryRisk(set, [...set.labels.keys()]);
  const rows = withCountryRisk(set, countryRisk);
  const model =
    best.kind === 'logistic'
      ? fitLogistic(rows, set.labels)
      : fitBoosted(rows, set.labels, BOOST_OPTIONS);

  const held = best.heldMargins.map((m) => applyPlatt(best.calibration, m));
  const decline = thresholdForPrecision(held, best.heldLabels, DECLINE_PRECISION) ?? 0.9;
  const review = Math.min(
    thresholdForPrecision(held, best.heldLabels, REVIEW_PRECISION) ?? 0.3,
    decline,
  );

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
