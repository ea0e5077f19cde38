import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { materializeRuntimes } from './runtime-dir.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ortDist = join(repoRoot, 'node_modules/onnxruntime-web/dist');
export const vadDist = join(repoRoot, 'node_modules/@ricky0123/vad-web/dist');
export const sdkDist = join(repoRoot, 'packages/sdk/dist');
export const liteRtWasm = join(repoRoot, 'node_modules/@litertjs/core/wasm');
// A dependency of the SDK alone (its peer tfjs-core 4.9 sits beside it), so it lives under packages/sdk.
export const tfjsTfliteWasm = join(repoRoot, 'packages/sdk/node_modules/@tensorflow/tfjs-tflite/wasm');
export const fixtures = join(repoRoot, 'e2e/fixtures');
export const demoModels = join(repoRoot, 'models');

/** The URL layout every e2e page relies on: our own copies of the runtimes, never a CDN. */
export const defaultMounts = {
  '/': fixtures,
  '/vendor/onnxruntime-web/': ortDist,
  '/models/vad/': vadDist,
  '/models/': demoModels,
  '/sdk/': sdkDist,
  // Where the SDK's worker imports its runtimes from: the Vite plugin's layout, every runtime in it.
  '/edgewise/': materializeRuntimes(),
};
