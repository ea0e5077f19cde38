import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../../packages/model-tools/src/dense-model.js';
import { accuracy, predictDense } from '../src/predict-dense.js';
import { trainIris } from '../src/train.js';

function weightsOf(model: DenseModel): Float32Array[] {
  return model.layers.flatMap((layer) => [layer.weights, layer.bias]);
}

describe('trainIris', () => {
  it('trains bit-identical weights from the same seed, and different ones from another seed', async () => {
    const [a, b, c] = [await trainIris(42), await trainIris(42), await trainIris(7)];
    const bytes = (m: DenseModel) =>
      weightsOf(m).map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength));
    expect(bytes(a.model)).toEqual(bytes(b.model));
    expect(a.accuracy).toEqual(b.accuracy);
    expect(bytes(c.model)).not.toEqual(bytes(a.model));
  });

  it('exports a 4 → 16 (relu) → 3 (softmax) model that classifies ≥ 90% of held-out flowers', async () => {
    const { model, accuracy: measured } = await trainIris(42);
    expect(model).toMatchObject({ name: 'iris', inputName: 'input', outputName: 'probabilities' });
    expect(model.layers.map((l) => [l.inputSize, l.outputSize, l.activation])).toEqual([
      [4, 16, 'relu'],
      [16, 3, 'softmax'],
    ]);
    expect(model.layers[0]!.weights).toHaveLength(64);
    expect(measured.test).toBeGreaterThanOrEqual(0.9);
  });

  it('exports weights whose plain-JS forward pass matches tfjs to 1e-5 and gives the same accuracy', async () => {
    const trained = await trainIris(42);
    trained.test.x.forEach((row, i) => {
      const ours = predictDense(trained.model, row);
      const theirs = trained.tfjsTestOutputs[i]!;
      ours.forEach((v, o) => {
        expect(Math.abs(v - theirs[o]!)).toBeLessThan(1e-5);
      });
    });
    expect(accuracy(trained.model, trained.test)).toBe(trained.accuracy.test);
    expect(accuracy(trained.model, trained.train)).toBe(trained.accuracy.train);
  });
});
