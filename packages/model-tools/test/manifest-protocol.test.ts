import { modelManifestSchema } from '@edgewise/protocol';
import manifests from '@edgewise/protocol/vectors/manifests.json' with { type: 'json' };
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeArtifact } from '../src/publish/artifact.js';
import { addToManifest, emptyManifest, parseManifest } from '../src/publish/manifest-update.js';

// Whatever `edgewise-models publish` writes must load in the SDK and the server, which read it by
// the protocol's manifest schema.
const validate = new Ajv().compile(modelManifestSchema);
const inputs = [{ name: 'input', dtype: 'float32' as const, shape: ['batch', 4] }];
const outputs = [{ name: 'probabilities', dtype: 'float32' as const, shape: ['batch', 3] }];

describe('published manifests follow the protocol', () => {
  it('writes a valid manifest for a version, a variant and channels', () => {
    let manifest = emptyManifest(new Date('2026-11-25T00:00:00Z'));
    expect(validate(manifest)).toBe(true);
    manifest = addToManifest(manifest, {
      name: 'iris',
      version: '1.0.0',
      artifact: describeArtifact(new Uint8Array([1, 2, 3]), {
        url: 'iris/1.0.0/iris.onnx',
        format: 'onnx',
        quantization: 'fp32',
        metrics: { accuracy: 0.93 },
      }),
      inputs,
      outputs,
      labels: ['setosa', 'versicolor', 'virginica'],
      channels: ['stable'],
    });
    manifest = addToManifest(manifest, {
      name: 'iris',
      version: '1.0.0',
      variant: 'tflite-int8',
      artifact: describeArtifact(new Uint8Array([4, 5]), {
        url: 'iris/1.0.0/iris.int8.tflite',
        format: 'tflite',
        quantization: 'int8',
        backends: ['wasm'],
      }),
      inputs,
      outputs,
    });
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parseManifest(JSON.stringify(manifest), 'manifest.json'))).toBe(true);
  });
});

describe('manifests.json', () => {
  it.each(manifests.valid.map((c) => [c.name, c.manifest] as const))('accepts %s', (_name, manifest) => {
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(manifests.invalid.map((c) => [c.name, c.manifest] as const))('refuses %s', (_name, manifest) => {
    expect(validate(manifest)).toBe(false);
  });
});
