import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { runDenseReference } from '../src/quantize/reference.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { seeded } from './support/test-data.js';

describe('denseModelToOnnx', () => {
  const model = randomDenseModel([784, 64, 10], 42);
  const bytes = denseModelToOnnx(model);

  it('writes a graph onnxruntime-web runs, matching the float reference', async () => {
    const batch = 4;
    const x = seeded(batch * 784, 1);
    const out = await runOnnx(bytes, { input: new ort.Tensor('float32', x, [batch, 784]) });
    const probabilities = out.probabilities!;
    expect(probabilities.dims).toEqual([batch, 10]);
    const expected = runDenseReference(model, x, batch, 'fp32');
    const got = probabilities.data as Float32Array;
    const worst = got.reduce((w, p, i) => Math.max(w, Math.abs(p - expected[i]!)), 0);
    expect(worst).toBeLessThan(1e-6);
  });

  it('declares a symbolic batch, opset 13, ir_version 8 and our producer', () => {
    const info = inspectOnnx(bytes);
    expect(info).toMatchObject({
      format: 'onnx',
      irVersion: 8,
      opsets: [{ domain: 'ai.onnx', version: 13 }],
      producer: 'edgewise-model-tools',
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 784] }],
      outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['batch', 10] }],
      opHistogram: { MatMul: 2, Add: 2, Relu: 1, Softmax: 1 },
      parameterCount: 784 * 64 + 64 + 64 * 10 + 10,
      bytes: bytes.byteLength,
      initializerBytes: (784 * 64 + 64 + 64 * 10 + 10) * 4,
    });
  });

  it('writes Softmax over the last axis, and takes another opset on request', () => {
    const softmax = decodeOnnx(bytes).graph!.node!.find((n) => n.opType === 'Softmax')!;
    expect(softmax.attribute?.[0]).toMatchObject({ name: 'axis' });
    expect(Number(softmax.attribute?.[0]?.i)).toBe(-1);
    expect(inspectOnnx(denseModelToOnnx(model, { opset: 17 })).opsets).toEqual([
      { domain: 'ai.onnx', version: 17 },
    ]);
  });

  it('refuses layers whose sizes do not chain, and unknown opsets, with BAD_ARGUMENT', () => {
    const broken = randomDenseModel([4, 16, 3], 1);
    broken.layers[1]!.inputSize = 8;
    expect(() => denseModelToOnnx(broken)).toThrow(ModelToolsError);
    expect(() => denseModelToOnnx(broken)).toThrow(/layer 1/);
    expect(() => denseModelToOnnx(model, { opset: 99 })).toThrow(/opset must be/);
  });
});
