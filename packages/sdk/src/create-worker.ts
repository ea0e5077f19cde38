/**
 * The inference worker, as a module worker next to this file. Bundlers (Vite, webpack 5, Rollup)
 * recognise this exact `new Worker(new URL(…, import.meta.url))` form and emit the worker chunk.
 */
export function createInferenceWorker(): Worker {
  return new Worker(new URL('./inference/worker.ts', import.meta.url), {
    type: 'module',
    name: 'edgewise-inference',
  });
}
