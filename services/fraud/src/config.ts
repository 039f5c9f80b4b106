import { resolve } from 'node:path';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { BaseConfig, loadConfig } from '@qm/kit';
import { repoRoot } from '@qm/datasets';

export const FraudConfig = {
  ...BaseConfig,
  QM_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8086 }),
  QM_DATA_DIR: Type.Optional(Type.String()),
  /** Where model artefacts live; relative paths are taken from the repository root. */
  QM_FRAUD_MODEL_DIR: Type.String({ default: '.qm/models/fraud' }),
  /** Train at start when no artefact is there and the data set is. */
  QM_FRAUD_TRAIN_ON_START: Type.Boolean({ default: true }),
  /** How often decisions waiting in memory are written to PostgreSQL and published. */
  QM_FRAUD_FLUSH_MS: Type.Integer({ minimum: 10, default: 100 }),
  /**
   * Most bytes of decision rows waiting for PostgreSQL (128 MiB); beyond it the oldest are
   * dropped. Typical rows are about 1.6 kB, so the bound of 100,000 decisions applies first.
   */
  QM_FRAUD_QUEUE_MAX_BYTES: Type.Integer({ minimum: 65_536, default: 134_217_728 }),
  /** How long rules are cached before PostgreSQL is read again (changes apply at once here). */
  QM_FRAUD_RULES_TTL_MS: Type.Integer({ minimum: 100, default: 5000 }),
};

export type FraudSettings = Static<TObject<typeof FraudConfig>>;

/** Reads the fraud service's settings from the environment. */
export function readConfig(env?: Record<string, string | undefined>): FraudSettings {
  return loadConfig(FraudConfig, env);
}

/** The artefact directory, absolute. */
export function modelDir(config: { QM_FRAUD_MODEL_DIR: string }): string {
  return resolve(repoRoot, config.QM_FRAUD_MODEL_DIR);
}
