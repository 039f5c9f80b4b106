import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { forecastSeries, type ForecastOptions } from '../domain/forecast';
import { GlobalModel, type GlobalArtefact } from '../domain/global/model';
import type { Series } from '../domain/series';

interface Job {
  id: number;
  series: Series[];
  options: ForecastOptions;
  withBacktest: boolean;
}

const modelPath = (workerData as { modelPath?: string }).modelPath;
const global = modelPath
  ? new GlobalModel(JSON.parse(readFileSync(modelPath, 'utf8')) as GlobalArtefact)
  : undefined;

parentPort?.on('message', (job: Job) => {
  try {
    const results = job.series.map((s) => forecastSeries(s, job.options, global, job.withBacktest));
    parentPort?.postMessage({ id: job.id, results });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: (error as Error).message });
  }
});
