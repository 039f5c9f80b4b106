import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@qm/kit';
import { repoRoot, resolveDataDir } from '@qm/datasets';
import { retailHistories } from './adapters/retail-history';
import { loadForecastingConfig } from './config';
import { trainGlobal } from './domain/global/model';
import { trainNetwork, type NetworkOptions } from './training/network';

/** Settings of the global model; the benchmark trains with the same ones. */
export const GLOBAL_TRAINING = {
  horizon: 28,
  skus: 600,
  minSaleDays: 40,
  seeds: [1, 2],
  gbt: { trees: 150, rate: 0.1, depth: 6, minLeaf: 200, rowSample: 0.25, colSample: 0.5 },
};

/** Settings of the neural model, trained on the same series. */
export const NETWORK_TRAINING: NetworkOptions = {
  hidden: [64, 32],
  learningRate: 0.002,
  batchSize: 256,
  epochs: 30,
  patience: 4,
  validationShare: 0.1,
  originEvery: 2,
  seeds: [11],
};

/** Trains the global model on histories up to `until` and writes it to `out`. */
export async function trainToFile(dataDir: string, until: string | undefined, out: string) {
  const log = createLogger('forecasting-train');
  const started = Date.now();
  const { histories, until: last } = await retailHistories(dataDir, {
    until,
    count: GLOBAL_TRAINING.skus,
    minSaleDays: GLOBAL_TRAINING.minSaleDays,
  });
  log.info({ series: histories.length, until: last }, 'training global model');
  const artefact = trainGlobal(histories, {
    horizon: GLOBAL_TRAINING.horizon,
    trainedUntil: last,
    seeds: GLOBAL_TRAINING.seeds,
    gbt: GLOBAL_TRAINING.gbt,
    onTree: (m, t) => {
      if ((t + 1) % 25 === 0) log.info({ model: m, trees: t + 1 }, 'training progress');
    },
  });
  log.info({ series: histories.length }, 'training neural model');
  artefact.neural = await trainNetwork(
    histories,
    GLOBAL_TRAINING.horizon,
    NETWORK_TRAINING,
    (member, epoch, loss) => log.info({ member, epoch, loss }, 'training progress'),
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(artefact));
  log.info(
    { out, rows: artefact.rows, seconds: (Date.now() - started) / 1000 },
    'global model written',
  );
  return artefact;
}

async function main() {
  const { values } = parseArgs({ options: { until: { type: 'string' }, out: { type: 'string' } } });
  const config = loadForecastingConfig();
  const out = resolve(repoRoot, values.out ?? config.QM_FORECAST_MODEL_PATH);
  await trainToFile(resolveDataDir(config.QM_DATA_DIR || undefined), values.until, out);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
