import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let started: Promise<void> | undefined;

/**
 * Starts TensorFlow.js on its WebAssembly backend, once per process. The native binding
 * cannot be assumed (its install downloads a library), and WebAssembly runs dense layers many
 * times faster than the plain JavaScript backend.
 */
export function tfReady(): Promise<void> {
  started ??= (async () => {
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(`${dist}/`);
    await tf.setBackend('wasm');
    await tf.ready();
  })();
  return started;
}
