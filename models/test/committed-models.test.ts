// Checks the committed model files against what models/scripts/build.ts claimed when it wrote them:
// integrity, sizes, accuracies measured again in onnxruntime-web, and quantized outputs against a
// plain-JS reference of the quantized arithmetic.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  argmax,
  type DenseModel,
  denseModelFromOnnx,
  type ReferenceMode,
  runBatch,
  runDenseReference,
} from '@edgewise/model-tools';
import { type ModelArtifact, type ModelManifest, modelManifestSchema } from '@edgewise/protocol';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/datasets.js';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as ModelManifest;
const metrics = JSON.parse(await readFile(join(root, 'metrics.json'), 'utf8')) as Record<
  string,
  { variants: Record<string, { bytes: number; testAccuracy: number }> }
>;

function artifactsOf(name: string): [string, ModelArtifact][] {
  const version = manifest.models[name]!.versions['1.0.0']!;
  const { variants, ...fp32 } = version;
  return [['fp32', fp32], ...Object.entries(variants ?? {})];
}

async function fileOf(artifact: ModelArtifact): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(root, artifact.url)));
}

/** How models/scripts/build.ts quantized: per-tensor int8; int4 in blocks of 32 with a float head. */
function referenceOptions(dense: DenseModel, mode: ReferenceMode) {
  const floatLayers = mode === 'int4' ? [dense.layers.length - 1] : [];
  return { perChannel: false, blockSize: 32, floatLayers };
}

const REFERENCE: Record<string, ReferenceMode> = { fp32: 'fp32', int8: 'dynamic-int8', int4: 'int4' };

describe('models/manifest.json', () => {
  it('follows the protocol manifest schema the SDK and server read it by', () => {
    const validate = new Ajv().compile(modelManifestSchema);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe.each(['iris', 'mnist'])('committed %s model files', (name) => {
  it.each(artifactsOf(name))('%s matches its manifest sha256 and byte count', async (_id, artifact) => {
    const bytes = await fileOf(artifact);
    expect(bytes.byteLength).toBe(artifact.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(artifact.sha256);
  });

  it.each(Object.entries(REFERENCE))(
    '%s ONNX outputs in onnxruntime-web match the plain-JS reference (1e-5; int8 one activation step, 1e-3)',
    async (id, mode) => {
      const expected = JSON.parse(await readFile(join(root, 'expected', `${name}.json`), 'utf8')) as {
        inputs: number[][];
        outputs: Record<string, number[][]>;
      };
      const artifacts = Object.fromEntries(artifactsOf(name));
      const dense = denseModelFromOnnx(await fileOf(artifacts.fp32!));
      const rows = expected.inputs.map((r) => Float32Array.from(r));
      // One row per run: dynamic int8 scales activations per batch, so that is what the reference models.
      const { outputs } = await runBatch(await fileOf(artifacts[id]!), rows, { batchSize: 1 });
      outputs.forEach((out, i) => {
        const reference = runDenseReference(dense, rows[i]!, 1, mode, referenceOptions(dense, mode));
        expect(out.length).toBe(reference.length);
        for (let j = 0; j < out.length; j++) {
          // onnxruntime-web's int8 kernels use relaxed SIMD, whose rounding is up to the CPU: on
          // some machines an activation lands one quantization step away, moving a probability by
          // up to ~2e-4 (measured 1.7e-4); a wrong scale or zero point moves it by far more.
          const tolerance = id === 'int8' ? 1e-3 : 1e-5;
          expect(Math.abs(out[j]! - reference[j]!)).toBeLessThanOrEqual(tolerance);
          expect(Math.abs(out[j]! - expected.outputs[id]![i]![j]!)).toBeLessThanOrEqual(tolerance);
        }
      });
    },
  );
});

describe('quantized MNIST models', () => {
  const figures = metrics.mnist!.variants;

  it('int8 is at most 0.27× and int4 at most 0.21× the fp32 file', () => {
    expect(figures.int8!.bytes / figures.fp32!.bytes).toBeLessThanOrEqual(0.27);
    expect(figures.int4!.bytes / figures.fp32!.bytes).toBeLessThanOrEqual(0.21);
    expect(figures['tflite-int8']!.bytes / figures['tflite-fp32']!.bytes).toBeLessThanOrEqual(0.27);
  });

  it('keep held-out accuracy within 0.5 point of fp32, measured again on all 2,000 test digits', async () => {
    const test = loadMnist(42).test;
    const accuracy: Record<string, number> = {};
    for (const [id, artifact] of artifactsOf('mnist').filter(([, a]) => a.format === 'onnx')) {
      const { outputs } = await runBatch(await fileOf(artifact), test.x, { batchSize: 500 });
      accuracy[id] = outputs.filter((o, i) => argmax(o) === test.y[i]).length / test.y.length;
      expect(accuracy[id]).toBe(figures[id]!.testAccuracy);
    }
    expect(accuracy.fp32).toBeGreaterThan(0.95);
    expect(accuracy.fp32! - accuracy.int8!).toBeLessThanOrEqual(0.005);
    expect(accuracy.fp32! - accuracy.int4!).toBeLessThanOrEqual(0.005);
  });
});
