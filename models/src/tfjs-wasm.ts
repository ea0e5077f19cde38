// tfjs on its WASM backend in Node (tfjs-node cannot be installed here), single-threaded so that
// the order of floating-point sums, and so every trained weight, is the same on every run.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ModelToolsError } from '../../packages/model-tools/src/errors.js';

let ready: Promise<typeof tf> | undefined;

/**
 * Selects the WASM backend once (later calls share the first); resolves to the tfjs namespace.
 *
 * @example
 * const tf = await useWasmBackend();
 * tf.tensor([1, 2]).print();
 */
export function useWasmBackend(): Promise<typeof tf> {
  ready ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(`${dirname(entry)}/`);
    setThreadsCount(1);
    const ok = await tf.setBackend('wasm');
    if (!ok) {
      throw new ModelToolsError(
        'UNSUPPORTED',
        'tfjs could not start its WASM backend; install @tensorflow/tfjs-backend-wasm next to @tensorflow/tfjs.',
      );
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}
