import { resolveDataDir } from '@qm/datasets';
import { createLogger } from '@qm/kit';
import { modelDir, readConfig } from './config';
import { saveArtefact } from './model/artefact';
import { trainModel } from './training/train-model';

/** `pnpm train:fraud`: retrains the model and writes a new versioned artefact. */
async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger('fraud-train', config.QM_LOG_LEVEL);
  const artefact = await trainModel(resolveDataDir(config.QM_DATA_DIR), log);
  const path = saveArtefact(modelDir(config), artefact);
  log.info({ path, version: artefact.version }, 'artefact written');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
