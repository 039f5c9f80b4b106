import { parentPort } from 'node:worker_threads';

/** A build thread whose build throws, as one that runs out of memory mid-build would. */
parentPort?.on('message', (input: object) => {
  if ('products' in input) throw new Error('heap limit reached while training');
});
