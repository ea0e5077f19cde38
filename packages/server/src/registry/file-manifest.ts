import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Manifest } from './manifest-types.js';

/**
 * Reads `<modelsRoot>/manifest.json` (the repo's models/ folder) and rewrites its URLs, which are
 * relative to that file, to absolute paths under `/models/` so they stay right when served from /v1/manifest.
 */
export async function readFileManifest(modelsRoot: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(modelsRoot, 'manifest.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (error) {
    throw new Error(`${join(modelsRoot, 'manifest.json')} is not valid JSON: ${(error as Error).message}`);
  }
  const absolute = (url: string) => (/^([a-z]+:|\/)/i.test(url) ? url : `/models/${url}`);
  for (const entry of Object.values(manifest.models ?? {})) {
    for (const version of Object.values(entry.versions ?? {})) {
      version.url = absolute(version.url);
      for (const variant of Object.values(version.variants ?? {})) variant.url = absolute(variant.url);
    }
  }
  return manifest;
}
