import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type MatmulChainOptions,
  matmulChainReference,
  writeMatmulChain,
} from '../../packages/model-tools/src/onnx/matmul-chain.js';
import type { ModelManifest, ModelVersion } from '../../packages/sdk/src/models/manifest-types.js';
import { repoRoot } from './paths.js';

/** Where generated models live between runs on one machine; never committed (.gitignore). */
export const largeModelDir = join(repoRoot, '.cache/large-models');

export interface LargeModel {
  name: string;
  options: MatmulChainOptions & { dim: number };
  /** All files together. */
  bytes: number;
  /** The model file's URL path under the mount, and its external data files'. */
  paths: string[];
  version: ModelVersion;
  /** The float32 output for `input(dim)`, computed in JS from the same seeded weights. */
  reference(): Float32Array;
}

/** The input every test feeds: deterministic, non-trivial. */
export function chainInput(dim: number): Float32Array {
  return Float32Array.from({ length: dim }, (_, i) => Math.sin(i * 0.37) + 0.1);
}

/** The sizes the large-model tests and the benchmark use. */
export const LARGE_MODELS: Record<string, MatmulChainOptions & { dim: number }> = {
  // 18 × 2048² × 4 bytes ≈ 302 MB in one .onnx file.
  chain300: { dim: 2048, layers: 18, seed: 300 },
  // 36 layers in 3 external data shards of ≈ 201 MB each.
  chain600: { dim: 2048, layers: 36, seed: 600, shards: 3 },
  // For the quota test: 2, 2, 3 and 8 MiB.
  quotaA: { dim: 256, layers: 8, seed: 1 },
  quotaB: { dim: 256, layers: 8, seed: 2 },
  quotaC: { dim: 256, layers: 12, seed: 3 },
  quotaD: { dim: 512, layers: 8, seed: 4 },
};

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Generates (or reuses, when a run on this machine already made them with the same options) the
 * named models under `largeModelDir/<name>/`, and returns a manifest whose URLs are relative to
 * `largeModelDir` — mount that folder and serve the manifest from it.
 */
export async function largeModels(
  names: string[],
): Promise<{ dir: string; models: Record<string, LargeModel> }> {
  const models: Record<string, LargeModel> = {};
  for (const name of names) {
    const options = LARGE_MODELS[name];
    if (!options) throw new Error(`no large model named ${name}`);
    const dir = join(largeModelDir, name);
    const stamp = join(dir, 'version.json');
    const want = JSON.stringify(options);
    let version = (await readFile(stamp, 'utf8')
      .then((text) => JSON.parse(text) as { options: string; version: ModelVersion })
      .catch(() => undefined)) as { options: string; version: ModelVersion } | undefined;
    if (version?.options !== want) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const files = await writeMatmulChain(dir, { ...options, name });
      const modelFile = basename(files.model);
      version = {
        options: want,
        version: {
          url: `${name}/${modelFile}`,
          format: 'onnx',
          sha256: await sha256File(files.model),
          bytes: files.bytes,
          quantization: 'fp32',
          ...(files.externalData.length > 0
            ? {
                externalData: await Promise.all(
                  files.externalData.map(async (d) => ({
                    path: d.path,
                    url: `${name}/${d.path}`,
                    sha256: await sha256File(d.file),
                    bytes: d.bytes,
                  })),
                ),
              }
            : {}),
          inputs: [{ name: 'input', dtype: 'float32', shape: [1, options.dim] }],
          outputs: [{ name: 'output', dtype: 'float32', shape: [1, options.dim] }],
          createdAt: '2026-12-03T00:00:00.000Z',
          status: 'approved',
        },
      };
      await writeFile(stamp, JSON.stringify(version));
    }
    const v = version.version;
    models[name] = {
      name,
      options,
      bytes: v.bytes + (v.externalData ?? []).reduce((sum, d) => sum + d.bytes, 0),
      paths: [v.url, ...(v.externalData ?? []).map((d) => d.url)],
      version: v,
      reference: () => matmulChainReference(options, chainInput(options.dim)),
    };
  }
  return { dir: largeModelDir, models };
}

/** A manifest (one version each, channel stable) for the given models. */
export function largeModelManifest(models: LargeModel[]): ModelManifest {
  return {
    schemaVersion: 1,
    generatedAt: '2026-12-03T00:00:00.000Z',
    models: Object.fromEntries(
      models.map((m) => [m.name, { channels: { stable: '1.0.0' }, versions: { '1.0.0': m.version } }]),
    ),
  };
}
