import type { DenseModel } from '../dense-model.js';
import { ModelToolsError } from '../errors.js';

export interface DenseRanges {
  /** [min, max] of the graph input over the calibration rows. */
  input: [number, number];
  /** Per layer, [min, max] of the FULLY_CONNECTED output: after relu when it is fused, else the logits. */
  layers: [number, number][];
}

function softmaxInPlace(v: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v) max = Math.max(max, x);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= sum;
}

/**
 * Runs the float model over representative rows and records the range of every tensor the int8
 * graph quantizes — the post-training calibration the TFLite converter does with a
 * representative dataset (min/max, no histogram).
 */
export function calibrateDenseRanges(model: DenseModel, rows: Float32Array[]): DenseRanges {
  const inputSize = model.layers[0]!.inputSize;
  if (rows.length === 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'calibration is empty; pass a few hundred representative input rows',
    );
  }
  const ranges: DenseRanges = {
    input: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
    layers: model.layers.map(() => [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
  };
  const widen = (range: [number, number], x: number) => {
    if (x < range[0]) range[0] = x;
    if (x > range[1]) range[1] = x;
  };
  rows.forEach((row, r) => {
    if (row.length !== inputSize) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `calibration row ${r} has ${row.length} values; the model takes ${inputSize} per row`,
      );
    }
    for (const x of row) widen(ranges.input, x);
    let current: ArrayLike<number> = row;
    model.layers.forEach((layer, l) => {
      const out = Float64Array.from(layer.bias);
      for (let i = 0; i < layer.inputSize; i++) {
        const x = current[i]!;
        if (x === 0) continue;
        const base = i * layer.outputSize;
        for (let o = 0; o < layer.outputSize; o++) out[o]! += x * layer.weights[base + o]!;
      }
      if (layer.activation === 'relu') for (let o = 0; o < out.length; o++) out[o] = Math.max(0, out[o]!);
      for (const y of out) widen(ranges.layers[l]!, y);
      if (layer.activation === 'softmax') softmaxInPlace(out);
      current = out;
    });
  });
  return ranges;
}
