import { parentPort } from 'node:worker_threads';
import { buildSnapshot, type SnapshotOptions } from '../domain/recommender';
import { pack, type Packed } from '../domain/transfer';
import { type Interaction, type ProductInfo } from '../domain/types';

/** What `build-worker.ts` sends: the interactions in slices, then what starts the build. */
export type ThreadInput =
  | { interactions: readonly Interaction[] }
  | { products: readonly ProductInfo[]; options: SnapshotOptions | undefined };

/** The thread's one answer: the packed snapshot and the thread's own timings (ms). */
export interface ThreadOutput {
  snapshot: Packed;
  buildMs: number;
  packMs: number;
}

const interactions: Interaction[] = [];

// A build that throws ends the thread with an 'error' event, which fails the build's promise.
parentPort?.on('message', (input: ThreadInput) => {
  if ('interactions' in input) {
    for (const e of input.interactions) interactions.push(e);
    return;
  }
  const started = performance.now();
  const snapshot = buildSnapshot(interactions, input.products, input.options);
  const built = performance.now();
  const { packed, transfer } = pack(snapshot);
  const output: ThreadOutput = {
    snapshot: packed,
    buildMs: built - started,
    packMs: performance.now() - built,
  };
  parentPort?.postMessage(output, transfer);
});
