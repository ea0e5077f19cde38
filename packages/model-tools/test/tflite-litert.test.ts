import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadLiteRtInNode } from '../src/runtime/litert-node.js';
import { runTfliteInNode } from '../src/runtime/run-tflite-node.js';
import { denseModelToTflite, runTfliteReference, type TfliteQuantizationMode } from '../src/tflite/index.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { seededRows } from './support/test-data.js';

// LiteRT.js (@litertjs/core) runs .tflite files in Node on WASM/XNNPack: the real runtime, checking
// that our hand-written FlatBuffers load and compute what the reference interpreter says.
const hasLiteRt = (() => {
  try {
    createRequire(import.meta.url).resolve('@litertjs/core/package.json');
    return true;
  } catch {
    return false;
  }
})();

const variants: { quantization: TfliteQuantizationMode; perChannel: boolean; tolerance: number }[] = [
  { quantization: 'float32', perChannel: true, tolerance: 1e-5 },
  // The runtime quantizes each input row like reference-kernels.ts; a value on a rounding edge can
  // land one step away, moving an output by ~1e-4.
  { quantization: 'hybrid-int8', perChannel: true, tolerance: 1e-3 },
  { quantization: 'hybrid-int8', perChannel: false, tolerance: 1e-3 },
  // Fixed-point vs float requantization: at most one step of the 1/256 output scale, plus one from softmax.
  { quantization: 'int8', perChannel: true, tolerance: 2 / 256 + 1e-6 },
  { quantization: 'int8', perChannel: false, tolerance: 2 / 256 + 1e-6 },
];

describe.skipIf(!hasLiteRt)('denseModelToTflite files in LiteRT.js', () => {
  describe.each([
    { sizes: [4, 16, 3], lo: -2, hi: 2 },
    { sizes: [784, 64, 10], lo: 0, hi: 1 },
  ])('seeded $sizes model', ({ sizes, lo, hi }) => {
    const model = randomDenseModel(sizes, 21);
    const calibration = seededRows(100, sizes[0]!, 4, lo, hi);
    const rows = seededRows(24, sizes[0]!, 8, lo, hi);

    it.each(variants)(
      '$quantization (perChannel $perChannel) matches the reference interpreter',
      async (v) => {
        const bytes = denseModelToTflite(model, {
          quantization: v.quantization,
          perChannel: v.perChannel,
          calibration,
        });
        const got = await runTfliteInNode(bytes, rows);
        let worst = 0;
        got.forEach((out, r) => {
          const want = runTfliteReference(bytes, rows[r]!);
          expect(out.length).toBe(want.length);
          out.forEach((value, i) => {
            worst = Math.max(worst, Math.abs(value - want[i]!));
          });
        });
        expect(worst).toBeLessThanOrEqual(v.tolerance);
      },
    );
  });

  it('exposes the model names through the serving_default signature', async () => {
    const litert = await loadLiteRtInNode();
    const calibration = seededRows(8, 4, 1, -1, 1);
    const bytes = denseModelToTflite(randomDenseModel([4, 16, 3], 2), { quantization: 'int8', calibration });
    const compiled = await litert.loadAndCompile(bytes, { accelerator: 'wasm' });
    try {
      expect(Object.keys(compiled.signatures)).toEqual(['serving_default']);
      expect(compiled.getInputDetails().map((d) => [d.name, d.dtype])).toEqual([['input', 'float32']]);
      expect(compiled.getOutputDetails().map((d) => [d.name, d.dtype])).toEqual([
        ['probabilities', 'float32'],
      ]);
    } finally {
      compiled.delete();
    }
  });
});
