// The URL layout of the benchmark page: the e2e layout (SDK at /sdk/, runtimes at /edgewise/, models)
// plus the page itself and the baselines' own runtime files, all served from this checkout.
import { join, normalize } from 'node:path';
import { defaultMounts, repoRoot } from '../e2e/harness/paths.js';

const modules = join(repoRoot, 'node_modules');

export const benchMounts: Record<string, string> = {
  ...defaultMounts,
  '/bench/': join(repoRoot, 'bench/fixtures'),
  '/vendor/litert/': join(modules, '@litertjs/core/dist'),
  '/vendor/litert-wasm-utils/': join(modules, '@litertjs/wasm-utils/dist'),
  '/vendor/tfjs/': join(modules, '@tensorflow/tfjs/dist'),
  // tfjs-tflite is a dependency of the SDK package only, so npm put it under packages/sdk.
  '/vendor/tfjs-tflite/': join(repoRoot, 'packages/sdk/node_modules/@tensorflow/tfjs-tflite/dist'),
  '/vendor/tfjs-tflite-wasm/': join(repoRoot, 'packages/sdk/node_modules/@tensorflow/tfjs-tflite/wasm'),
};

/** The file a request path maps to (longest mount prefix wins, as in the static server). */
export function fileForPath(mounts: Record<string, string>, path: string): string | undefined {
  const mount = Object.entries(mounts)
    .sort((a, b) => b[0].length - a[0].length)
    .find(([prefix]) => path.startsWith(prefix));
  if (!mount) return undefined;
  return normalize(join(mount[1], path.slice(mount[0].length) || 'index.html'));
}
