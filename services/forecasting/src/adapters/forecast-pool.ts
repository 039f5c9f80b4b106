import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_RETRY_AFTER_SECONDS } from '@qm/kit';
import { forecastSeries, type ForecastOptions, type ForecastResult } from '../domain/forecast';
import { ForecastErrors } from '../errors';
import type { GlobalModel } from '../domain/global/model';
import { toSeries, type Series, type SeriesInput } from '../domain/series';

interface Pending {
  resolve: (results: ForecastResult[]) => void;
  reject: (error: Error) => void;
}

/** Batches smaller than this are fitted on the calling thread. */
const INLINE_BELOW = 16;

/** Values of the series on the workers by default before new batches are turned away. */
export const DEFAULT_MAX_QUEUED_VALUES = 1_000_000;

/**
 * Seconds until `queued` values are fitted, at the rate the workers reached while busy, or
 * undefined before they have fitted anything.
 */
export function drainSeconds(queued: number, fitted: number, busyMs: number): number | undefined {
  if (fitted <= 0 || busyMs <= 0) return undefined;
  return queued / (fitted / (busyMs / 1000));
}

/**
 * Fits forecasts on worker threads so a batch of local fits uses every core. Each worker
 * loads the global model from the same file. Workers run TypeScript through tsx's register
 * hook, as the service itself does.
 *
 * The values queued on the workers are bounded by `maxQueuedValues`: a batch that would go
 * beyond it while others run is refused with `FORECAST_OVERLOADED` (503) at once, rather than
 * queued behind work that would keep its caller waiting past any timeout. A batch larger than
 * the bound still runs when the workers are idle. The refusal carries the time the workers
 * would take to fit what is queued, measured from the values they fitted while busy, as its
 * `Retry-After`.
 */
export class ForecastPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextWorker = 0;
  private queued = 0;
  /** Values fitted on the workers and the time they were busy, for the drain estimate. */
  private fitted = 0;
  private busyMs = 0;
  private busySince = 0;

  constructor(
    size: number,
    modelPath: string | undefined,
    private readonly global?: GlobalModel,
    private readonly maxQueuedValues = DEFAULT_MAX_QUEUED_VALUES,
  ) {
    const path = modelPath && existsSync(modelPath) ? modelPath : undefined;
    const file = join(__dirname, 'forecast-worker.ts');
    const api = require.resolve('tsx/cjs/api');
    for (let i = 0; i < size; i++) {
      const worker = new Worker(
        `require(${JSON.stringify(api)}).register();require(${JSON.stringify(file)});`,
        {
          eval: true,
          workerData: { modelPath: path },
        },
      );
      worker.on('message', (msg: { id: number; results?: ForecastResult[]; error?: string }) => {
        const job = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) job?.reject(new Error(msg.error));
        else job?.resolve(msg.results ?? []);
      });
      worker.on('error', (error) => {
        for (const job of this.pending.values()) job.reject(error);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  /** Validates and regularises the inputs (throwing coded errors), then forecasts them all. */
  async forecast(inputs: SeriesInput[], options: ForecastOptions, withBacktest = false) {
    const series = inputs.map((s, i) =>
      toSeries(s, options.frequency, `series[${i}]`, options.horizon),
    );
    return this.forecastSeries(series, options, withBacktest);
  }

  /** Values of the series being fitted on the workers now. */
  get queuedValues(): number {
    return this.queued;
  }

  async forecastSeries(series: Series[], options: ForecastOptions, withBacktest = false) {
    if (this.workers.length === 0 || series.length < INLINE_BELOW) {
      return series.map((s) => forecastSeries(s, options, this.global, withBacktest));
    }
    const values = series.reduce((n, s) => n + s.y.length, 0);
    if (this.queued > 0 && this.queued + values > this.maxQueuedValues) {
      const busyMs = this.busyMs + performance.now() - this.busySince;
      const wait = drainSeconds(this.queued, this.fitted, busyMs);
      throw ForecastErrors.FORECAST_OVERLOADED(
        `the forecast workers have ${this.queued} values queued ` +
          `(at most ${this.maxQueuedValues}): retry later`,
        {
          details: {
            queuedValues: this.queued,
            maxQueuedValues: this.maxQueuedValues,
            ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
          },
          // Without an estimate yet, the default wait: a refusal always says when to retry.
          retryAfter: wait ?? DEFAULT_RETRY_AFTER_SECONDS,
        },
      );
    }
    if (this.queued === 0) this.busySince = performance.now();
    this.queued += values;
    try {
      const chunks = Math.min(series.length, this.workers.length * 4);
      const size = Math.ceil(series.length / chunks);
      const parts: Promise<ForecastResult[]>[] = [];
      for (let i = 0; i < series.length; i += size) {
        parts.push(this.run(series.slice(i, i + size), options, withBacktest));
      }
      const results = (await Promise.all(parts)).flat();
      this.fitted += values;
      return results;
    } finally {
      this.queued -= values;
      if (this.queued === 0) this.busyMs += performance.now() - this.busySince;
    }
  }

  private run(series: Series[], options: ForecastOptions, withBacktest: boolean) {
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    return new Promise<ForecastResult[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, series, options, withBacktest });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
