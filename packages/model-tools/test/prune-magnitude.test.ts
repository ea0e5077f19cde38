import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { readFloatTensor } from '../src/onnx/tensor.js';
import { pruneMagnitude } from '../src/prune/magnitude.js';
import { randomDenseModel } from './support/random-dense-model.js';

describe('pruneMagnitude', () => {
  const model = randomDenseModel([784, 64, 10], 5);
  const bytes = denseModelToOnnx(model);

  it('zeros exactly the requested fraction of each weight tensor, the smallest first', () => {
    const report = pruneMagnitude(bytes, { sparsity: 0.5 });
    expect(report.actualSparsity).toBe(0.5);
    expect(report.tensors).toEqual([
      { name: 'dense_0.weight', size: 784 * 64, sparsity: 0.5 },
      { name: 'dense_1.weight', size: 64 * 10, sparsity: 0.5 },
    ]);
    const pruned = readFloatTensor(
      decodeOnnx(report.bytes).graph!.initializer!.find((t) => t.name === 'dense_0.weight')!,
    );
    const original = model.layers[0]!.weights;
    let largestDropped = 0;
    let smallestKept = Number.POSITIVE_INFINITY;
    pruned.forEach((w, i) => {
      if (w === 0) largestDropped = Math.max(largestDropped, Math.abs(original[i]!));
      else {
        expect(w).toBe(original[i]);
        smallestKept = Math.min(smallestKept, Math.abs(w));
      }
    });
    expect(largestDropped).toBeLessThanOrEqual(smallestKept);
    // Biases are not pruned.
    const bias = readFloatTensor(
      decodeOnnx(report.bytes).graph!.initializer!.find((t) => t.name === 'dense_0.bias')!,
    );
    expect(bias).toEqual(model.layers[0]!.bias);
  });

  it('makes the model smaller once compressed, and it still runs', async () => {
    const report = pruneMagnitude(bytes, { sparsity: 0.7 });
    expect(report.sizes.after.raw).toBe(report.sizes.before.raw);
    expect(report.sizes.after.brotli).toBeLessThan(report.sizes.before.brotli * 0.7);
    expect(report.sizes.after.gzip).toBeLessThan(report.sizes.before.gzip);
    const out = await runOnnx(report.bytes, {
      input: new ort.Tensor('float32', new Float32Array(784).fill(0.5), [1, 784]),
    });
    const p = out.probabilities!.data as Float32Array;
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('follows the polynomial schedule step by step to the final sparsity', () => {
    const report = pruneMagnitude(bytes, { sparsity: 0.8, schedule: 'polynomial', steps: 4 });
    expect(report.stepSparsities.map((s) => Number(s.toFixed(4)))).toEqual([0.4625, 0.7, 0.7875, 0.8]);
    expect(report.actualSparsity).toBeCloseTo(0.8, 3);
    const constant = pruneMagnitude(bytes, { sparsity: 0.8 });
    expect(constant.stepSparsities).toEqual([0.8]);
  });

  it('refuses sparsity outside [0, 1), bad steps and unknown schedules with BAD_ARGUMENT', () => {
    for (const options of [
      { sparsity: 1 },
      { sparsity: -0.1 },
      { sparsity: Number.NaN },
      { sparsity: 0.5, steps: 0 },
      { sparsity: 0.5, schedule: 'cubic' as 'constant' },
    ]) {
      expect(() => pruneMagnitude(bytes, options)).toThrow(ModelToolsError);
      try {
        pruneMagnitude(bytes, options);
      } catch (error) {
        expect((error as ModelToolsError).code).toBe('BAD_ARGUMENT');
      }
    }
    expect(pruneMagnitude(bytes, { sparsity: 0 }).actualSparsity).toBe(0);
  });
});
