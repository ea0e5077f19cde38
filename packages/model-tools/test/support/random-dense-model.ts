import type { Activation, DenseModel } from '../../src/dense-model.js';

/** A seeded random MLP: sizes [in, hidden…, out], relu between layers, softmax at the end. */
export function randomDenseModel(sizes: number[], seed: number): DenseModel {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const layers = sizes.slice(1).map((outputSize, i) => {
    const inputSize = sizes[i]!;
    const limit = Math.sqrt(6 / (inputSize + outputSize));
    const activation: Activation = i === sizes.length - 2 ? 'softmax' : 'relu';
    return {
      inputSize,
      outputSize,
      weights: Float32Array.from({ length: inputSize * outputSize }, () => (rand() * 2 - 1) * limit),
      bias: Float32Array.from({ length: outputSize }, () => (rand() * 2 - 1) * 0.1),
      activation,
    };
  });
  return { name: 'random', inputName: 'input', outputName: 'probabilities', layers };
}
