import { rm } from 'node:fs/promises';
import { createLogger } from '@qm/kit';
import { resolveDataDir } from '@qm/datasets';
import { readConfig } from '../src/config';
import { ensureSpeechModel, modelPath, trainSupportModel } from '../src/nlu/support-model';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('customer-service-train', config.QM_LOG_LEVEL);
  const path = modelPath(config.QM_SUPPORT_MODEL_PATH);
  const dataDir = resolveDataDir(config.QM_DATA_DIR);
  const model = await trainSupportModel(dataDir, log);
  await model.save(path);
  log.info({ path }, 'intent model saved');

  const lmPath = modelPath(config.QM_SUPPORT_SPEECH_LM_PATH);
  await rm(lmPath, { force: true });
  await ensureSpeechModel(lmPath, config.QM_SUPPORT_ASR_DICT, dataDir, log);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
