// Seeded inputs and comparisons shared by the model-tools tests.
import * as ort from 'onnxruntime-web';
import type { DenseModel } from '../../src/dense-model.js';
import { runOnnx } from '../../src/onnx/run-onnx.js';

/** `length` values in [offset, offset + scale) from a fixed LCG, the same on every run. */
export function seeded(length: number, seed: number, scale = 1, offset = 0): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * scale + offset;
  });
}

/** `count` rows of `width` values in [lo, hi), one seeded stream across the rows. */
export function seededRows(count: number, width: number, seed: number, lo = 0, hi = 1): Float32Array[] {
  const values = seeded(count * width, seed, hi - lo, lo);
  return Array.from({ length: count }, (_, i) => values.slice(i * width, (i + 1) * width));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Runs a DenseModel's ONNX file in onnxruntime-web on a [batch, inputSize] input; returns its output. */
export async function runDense(
  bytes: Uint8Array,
  model: DenseModel,
  x: Float32Array,
  batch: number,
): Promise<Float32Array> {
  const out = await runOnnx(bytes, {
    [model.inputName]: new ort.Tensor('float32', x, [batch, model.layers[0]!.inputSize]),
  });
  return out[model.outputName]!.data as Float32Array;
}
