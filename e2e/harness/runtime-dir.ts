import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type RuntimeSelection,
  readRuntimeFile,
  runtimeFiles,
} from '../../packages/sdk/src/vite/runtime-files.js';

/**
 * The runtime folder exactly as the Vite plugin lays it out (unversioned: the tests serve it at the
 * SDK's fallback /edgewise/), made of links into node_modules plus the files the plugin rewrites.
 */
export function materializeRuntimes(
  selection: RuntimeSelection = { tflite: true, tfjsTflite: true },
): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../artifacts/runtimes');
  rmSync(dir, { recursive: true, force: true });
  for (const [name, entry] of runtimeFiles(selection).files) {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    if (entry.transform) writeFileSync(target, readRuntimeFile(entry));
    else symlinkSync(entry.file, target);
  }
  return dir;
}
