import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type Snapshot } from '../domain/recommender';
import { unpack } from '../domain/transfer';
import { type SnapshotBuilder } from '../recommendations';
import { type ThreadInput, type ThreadOutput } from './build-thread';

/** Interactions per message: cloning a slice holds the event loop for a few ms. */
const SLICE = 5_000;

export interface WorkerBuilderOptions {
  /** The thread's module (`build-thread.ts`); tests give one that fails. */
  threadFile?: string;
}

/**
 * A thread for one build. A worker does not inherit the TypeScript loader the service runs
 * under (tsx, or Jest's transform in tests), so a `.ts` module is loaded through tsx's
 * require hook.
 */
function startThread(file: string): Worker {
  if (!file.endsWith('.ts')) return new Worker(file);
  const api = require.resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(api)}).register();require(${JSON.stringify(file)});`;
  return new Worker(boot, { eval: true });
}

function outputOf(worker: Worker): Promise<ThreadOutput> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`build thread stopped with code ${code}`)));
  });
}

/**
 * Builds each snapshot in a thread of its own, so the event loop keeps answering from the
 * current snapshot meanwhile. The loop still clones the input over, a slice per turn, and
 * unpacks the answer, whose arrays are moved rather than copied (`domain/transfer.ts`); the
 * time of both is in the timings. A fresh thread per build keeps nothing between builds, and
 * its memory is freed once the build is in.
 */
export function workerSnapshotBuilder(
  options: WorkerBuilderOptions = {},
): Required<SnapshotBuilder> {
  const file = options.threadFile ?? join(__dirname, 'build-thread.ts');
  const running = new Set<Worker>();
  let closed = false;

  return {
    async build(interactions, products, snapshotOptions) {
      if (closed) throw new Error('snapshot builder closed');
      const started = performance.now();
      const worker = startThread(file);
      running.add(worker);
      const output = outputOf(worker);
      // A thread that fails while the input is being sent ends the sending (the race below)
      // rather than rejecting unheeded.
      output.catch(() => undefined);
      try {
        let sendMs = 0;
        for (let from = 0; from < interactions.length; from += SLICE) {
          const slice = performance.now();
          const input: ThreadInput = { interactions: interactions.slice(from, from + SLICE) };
          worker.postMessage(input);
          sendMs += performance.now() - slice;
          await Promise.race([yieldToLoop(), output]);
        }
        worker.postMessage({ products, options: snapshotOptions } satisfies ThreadInput);
        const answer = await output;
        const received = performance.now();
        const snapshot = unpack<Snapshot>(answer.snapshot);
        const timings = {
          sendMs: round(sendMs),
          threadBuildMs: round(answer.buildMs),
          threadPackMs: round(answer.packMs),
          unpackMs: round(performance.now() - received),
          totalMs: round(performance.now() - started),
        };
        return { snapshot, timings };
      } finally {
        running.delete(worker);
        await worker.terminate();
      }
    },

    async close() {
      closed = true;
      await Promise.all([...running].map((w) => w.terminate()));
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
