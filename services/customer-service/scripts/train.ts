import { createLogger } from '@qm/kit';
import { resolveDataDir } from '@qm/datasets';
import { readConfig } from '../src/config';
import { modelPath, trainSupportModel } from '../src/nlu/support-model';

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('customer-service-train', config.QM_LOG_LEVEL);
  const path = modelPath(config.QM_SUPPORT_MODEL_PATH);
  const model = await trainSupportModel(resolveDataDir(config.QM_DATA_DIR), log);
  await model.save(path);
  log.info({ path }, 'intent model saved');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
