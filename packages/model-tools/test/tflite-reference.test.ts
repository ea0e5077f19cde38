import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../src/dense-model.js';
import { denseModelToTflite, runTfliteReference } from '../src/tflite/index.js';
import { quantizeRow } from '../src/tflite/reference-kernels.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { seededRows } from './support/test-data.js';

/** The model computed directly from DenseModel's [in][out] weights, in float64. */
function directForward(model: DenseModel, row: Float32Array): number[] {
  let x = Array.from(row);
  for (const layer of model.layers) {
    const y = Array.from(layer.bias);
    for (let i = 0; i < layer.inputSize; i++) {
      for (let o = 0; o < layer.outputSize; o++) y[o]! += x[i]! * layer.weights[i * layer.outputSize + o]!;
    }
    if (layer.activation === 'relu') x = y.map((v) => Math.max(0, v));
    else if (layer.activation === 'softmax') {
      const max = Math.max(...y);
      const e = y.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      x = e.map((v) => v / sum);
    } else x = y;
  }
  return x;
}

const argmax = (v: ArrayLike<number>) => Array.prototype.indexOf.call(v, Math.max(...Array.from(v)));

interface Comparison {
  maxDiff: number;
  argmaxAgreement: number;
}

function compare(model: DenseModel, bytes: Uint8Array, rows: Float32Array[]): Comparison {
  let maxDiff = 0;
  let agree = 0;
  for (const row of rows) {
    const got = runTfliteReference(bytes, row);
    const want = directForward(model, row);
    got.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - want[i]!));
    });
    if (argmax(got) === argmax(want)) agree++;
  }
  return { maxDiff, argmaxAgreement: agree / rows.length };
}

const cases = [
  { sizes: [4, 16, 3], lo: -2, hi: 2 },
  { sizes: [784, 64, 10], lo: 0, hi: 1 },
];

describe.each(cases)('runTfliteReference on a seeded $sizes model', ({ sizes, lo, hi }) => {
  const model = randomDenseModel(sizes, 11);
  const width = sizes[0]!;
  const calibration = seededRows(100, width, 5, lo, hi);
  const rows = seededRows(50, width, 9, lo, hi);

  it('float32 matches a direct JS matmul to float32 rounding', () => {
    const { maxDiff, argmaxAgreement } = compare(
      model,
      denseModelToTflite(model, { quantization: 'float32' }),
      rows,
    );
    expect(maxDiff).toBeLessThan(1e-6);
    expect(argmaxAgreement).toBe(1);
  });

  it('hybrid-int8 stays within 0.01 of float32 (per-channel and per-tensor)', () => {
    for (const perChannel of [true, false]) {
      const bytes = denseModelToTflite(model, { quantization: 'hybrid-int8', perChannel });
      const { maxDiff, argmaxAgreement } = compare(model, bytes, rows);
      expect(maxDiff).toBeLessThan(0.01);
      expect(argmaxAgreement).toBeGreaterThanOrEqual(0.96);
    }
  });

  it('int8 stays within 0.08 of float32 and agrees on the class for ≥ 94% of rows', () => {
    const bytes = denseModelToTflite(model, { quantization: 'int8', calibration });
    const { maxDiff, argmaxAgreement } = compare(model, bytes, rows);
    // Probabilities come out in steps of 1/256; the error is a few steps, dominated by the logits' scale.
    expect(maxDiff).toBeLessThan(0.08);
    expect(argmaxAgreement).toBeGreaterThanOrEqual(0.94);
  });

  it('runs a batch of rows as the rows one by one', () => {
    const bytes = denseModelToTflite(model, { quantization: 'int8', calibration });
    const batch = new Float32Array(rows.slice(0, 3).flatMap((r) => Array.from(r)));
    const together = runTfliteReference(bytes, batch);
    const apart = rows.slice(0, 3).flatMap((r) => Array.from(runTfliteReference(bytes, r)));
    expect(Array.from(together)).toEqual(apart);
  });
});

describe('reference kernels', () => {
  it('quantizes a hybrid input row like TFLite: range widened to 0, zero point from the nearer end', () => {
    const { q, scale, offset } = quantizeRow(Float32Array.of(0.5, 1.5, 2), true);
    expect(scale).toBeCloseTo(2 / 255, 9);
    expect(offset).toBe(-128);
    // -128 + x / scale: 0.5 → -64.25, 1.5 → 63.25, 2 → 127.
    expect(Array.from(q)).toEqual([-64, 63, 127]);
  });

  it('quantizes an all-zero row to zeros with scale 1', () => {
    expect(quantizeRow(new Float32Array(4), true)).toEqual({ q: new Int8Array(4), scale: 1, offset: 0 });
  });

  it('refuses input that is not a whole number of rows', () => {
    const bytes = denseModelToTflite(randomDenseModel([4, 3], 1), { quantization: 'float32' });
    expect(() => runTfliteReference(bytes, new Float32Array(6))).toThrow(/rows of 4/);
  });
});
