import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadBitextQa, loadBitextUtterances, repoRoot } from '@qm/datasets';
import { IntentModel } from './intent-model';
import { DEFAULT_TRAIN_OPTIONS, trainIntentModel } from './training';

/**
 * Calibration chosen on the flag-family and cross-sample validation (`pnpm bench:support`):
 * the raw softmax is under-confident after balanced, noisy training, so it is sharpened.
 */
export const CALIBRATION = { temperature: 0.5, minConfidence: 0.3, minMargin: 0.05 };

/** The model path, relative paths taken from the repository root. */
export function modelPath(configured: string): string {
  return isAbsolute(configured) ? configured : resolve(repoRoot, configured);
}

/** Trains on both Bitext samples in the shared data (the 20k file and the 4,514 rows). */
export async function trainSupportModel(dataDir: string, log: Logger): Promise<IntentModel> {
  const started = Date.now();
  const examples = [...(await loadBitextUtterances(dataDir)), ...(await loadBitextQa(dataDir))];
  const model = trainIntentModel(examples, DEFAULT_TRAIN_OPTIONS);
  model.temperature = CALIBRATION.temperature;
  model.rule = { minConfidence: CALIBRATION.minConfidence, minMargin: CALIBRATION.minMargin };
  log.info(
    { examples: examples.length, features: model.vectoriser.size, ms: Date.now() - started },
    'intent model trained',
  );
  return model;
}

/** Loads the stored model, training and storing one first when there is none. */
export async function loadOrTrainSupportModel(
  path: string,
  dataDir: string,
  log: Logger,
): Promise<IntentModel> {
  if (existsSync(path)) return IntentModel.load(path);
  log.info({ path }, 'no intent model yet, training one');
  const model = await trainSupportModel(dataDir, log);
  await model.save(path);
  return model;
}
