import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../../packages/model-tools/src/dense-model.js';
import { accuracy, argmax, predictDense } from '../src/predict-dense.js';

// 2 → 2 (relu) → 2 (softmax), small enough to check by hand.
const model: DenseModel = {
  name: 'tiny',
  inputName: 'input',
  outputName: 'probabilities',
  layers: [
    {
      inputSize: 2,
      outputSize: 2,
      // Row-major [input][output]: input 0 → (1, -1), input 1 → (2, 0.5).
      weights: Float32Array.of(1, -1, 2, 0.5),
      bias: Float32Array.of(0, 0.25),
      activation: 'relu',
    },
    {
      inputSize: 2,
      outputSize: 2,
      weights: Float32Array.of(1, 0, 0, 1),
      bias: Float32Array.of(0, 0),
      activation: 'softmax',
    },
  ],
};

describe('predictDense', () => {
  it('reads weights row-major and applies relu then softmax', () => {
    // hidden = relu(1·1 + 2·1, −1·1 + 0.5·1 + 0.25) = (3, 0); softmax(3, 0).
    const out = predictDense(model, Float32Array.of(1, 1));
    const e = Math.exp(3);
    expect(out[0]).toBeCloseTo(e / (e + 1), 6);
    expect(out[1]).toBeCloseTo(1 / (e + 1), 6);
  });

  it('refuses a row of the wrong width', () => {
    expect(() => predictDense(model, Float32Array.of(1))).toThrow(/takes 2 inputs per row; this row has 1/);
  });

  it('counts a row right when its argmax is its label', () => {
    const data = { x: [Float32Array.of(1, 1), Float32Array.of(0, 0)], y: [0, 0] };
    // (0, 0) → hidden (0, 0.25) → class 1.
    expect(accuracy(model, data)).toBe(0.5);
    expect(argmax([0.1, 0.7, 0.7])).toBe(1);
  });
});
