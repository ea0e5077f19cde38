import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelManifest, ModelVersion } from '../../../src/models/manifest-types.js';

export const modelsRoot = fileURLToPath(new URL('../../../../../models/', import.meta.url));

/** The repo's real manifest (models/manifest.json), as built by models/scripts/build.ts. */
export function realManifest(): ModelManifest {
  return JSON.parse(readFileSync(`${modelsRoot}manifest.json`, 'utf8')) as ModelManifest;
}

/**
 * iris with two versions over real files: 1.0.0 is the fp32 ONNX file, 2.0.0 the int4 one (another
 * file with its own sha256), and `stable` on 2.0.0 — enough to exercise upgrade, rollback and eviction.
 */
export function twoVersionManifest(stable = '2.0.0'): ModelManifest {
  const real = realManifest();
  const v1 = structuredClone(real.models.iris?.versions['1.0.0']) as ModelVersion;
  const int4 = v1.variants?.int4;
  if (!int4) throw new Error('models/manifest.json has no iris int4 variant; rebuild the models');
  const { variants: _dropped, ...base } = v1;
  const v2: ModelVersion = {
    ...base,
    url: int4.url,
    sha256: int4.sha256,
    bytes: int4.bytes,
    quantization: int4.quantization,
    createdAt: '2026-11-26T00:00:00.000Z',
  };
  return {
    schemaVersion: 1,
    generatedAt: real.generatedAt,
    models: {
      iris: { channels: { stable, canary: '2.0.0' }, versions: { '1.0.0': base, '2.0.0': v2 } },
      mnist: real.models.mnist as NonNullable<ModelManifest['models'][string]>,
    },
  };
}
