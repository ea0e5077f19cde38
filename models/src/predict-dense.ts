// A plain-JS forward pass of a DenseModel: the reference the exported weights are checked against,
// with no runtime in between.
import type { DenseModel } from '../../packages/model-tools/src/dense-model.js';
import { ModelToolsError } from '../../packages/model-tools/src/errors.js';

/**
 * Runs one row through every layer; returns the last layer's output (probabilities for the demo
 * models). Sums in float64, so it agrees with float32 runtimes to about 1e-6.
 *
 * @example
 * const probabilities = predictDense(model, Float32Array.of(5.1, 3.5, 1.4, 0.2));
 */
export function predictDense(model: DenseModel, x: Float32Array): Float32Array {
  const first = model.layers[0];
  if (!first || x.length !== first.inputSize) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `Model '${model.name}' takes ${first?.inputSize ?? 'no'} inputs per row; this row has ${x.length}. ` +
        'Pass one row of the training features.',
    );
  }
  let values: Float32Array = x;
  for (const layer of model.layers) {
    const out = new Float64Array(layer.outputSize);
    for (let o = 0; o < layer.outputSize; o++) out[o] = layer.bias[o]!;
    for (let i = 0; i < layer.inputSize; i++) {
      const v = values[i]!;
      if (v === 0) continue;
      const row = i * layer.outputSize;
      for (let o = 0; o < layer.outputSize; o++) out[o]! += v * layer.weights[row + o]!;
    }
    if (layer.activation === 'relu') {
      for (let o = 0; o < out.length; o++) out[o] = Math.max(0, out[o]!);
    } else if (layer.activation === 'softmax') {
      softmaxInPlace(out);
    }
    values = Float32Array.from(out);
  }
  return values;
}

function softmaxInPlace(v: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of v) max = Math.max(max, value);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i]! /= sum;
}

/** Index of the largest value (the first, on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Share of rows whose argmax output is their label. */
export function accuracy(model: DenseModel, data: { x: Float32Array[]; y: number[] }): number {
  let right = 0;
  data.x.forEach((row, i) => {
    if (argmax(predictDense(model, row)) === data.y[i]) right++;
  });
  return right / data.y.length;
}
