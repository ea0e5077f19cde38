import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../src/dense-model.js';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { toNumber } from '../src/onnx/tensor.js';
import { quantizeQdqInt8 } from '../src/quantize/qdq-int8.js';
import { runDenseReference } from '../src/quantize/reference.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { maxAbsDiff, runDense, seeded } from './support/test-data.js';

describe('quantizeQdqInt8', () => {
  const model = randomDenseModel([784, 64, 10], 31);
  const logits: DenseModel = {
    ...model,
    layers: model.layers.map((l, i) => (i === 1 ? { ...l, activation: 'none' } : l)),
  };
  const batch = 4;
  const x = seeded(batch * 784, 2);
  // Calibration rows are bare Float32Arrays, as the CLI passes CSV rows; the batch dim is inferred.
  const calibration = Array.from({ length: 16 }, (_, i) => ({ input: seeded(784, 100 + i) }));

  for (const perChannel of [false, true]) {
    it(`${perChannel ? 'per-channel' : 'per-tensor'}: onnxruntime matches the fake-quant reference (1e-5)`, async () => {
      for (const m of [model, logits]) {
        const result = await quantizeQdqInt8(denseModelToOnnx(m), { calibration, perChannel });
        const ranges = [result.activationRanges.input!, result.activationRanges['dense_0/relu_output']!];
        const expected = runDenseReference(m, x, batch, 'qdq-int8', { perChannel, activationRanges: ranges });
        expect(maxAbsDiff(await runDense(result.bytes, m, x, batch), expected)).toBeLessThan(1e-5);
      }
    });
  }

  it('calibrates activation ranges as min/max over the examples', async () => {
    const result = await quantizeQdqInt8(denseModelToOnnx(model), { calibration });
    const all = calibration.flatMap((c) => Array.from(c.input));
    expect(result.activationRanges.input).toEqual({ min: Math.min(...all), max: Math.max(...all) });
    expect(result.activationRanges['dense_0/relu_output']!.min).toBe(0);
  });

  it('writes QuantizeLinear/DequantizeLinear pairs and int8 weights, ≤ 0.27× the float size', async () => {
    const fp32 = denseModelToOnnx(model);
    const result = await quantizeQdqInt8(fp32, { calibration, perChannel: true });
    expect(result.bytes.byteLength / fp32.byteLength).toBeLessThanOrEqual(0.27);
    expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({
      QuantizeLinear: 2,
      DequantizeLinear: 4,
      MatMul: 2,
    });
    const graph = decodeOnnx(result.bytes).graph!;
    const matmul = graph.node!.find((n) => n.name === 'dense_0/MatMul')!;
    expect(matmul.input).toEqual(['input_DequantizeLinear_Output', 'dense_0.weight_DequantizeLinear_Output']);
    const weightDq = graph.node!.find((n) => n.name === 'dense_0.weight_DequantizeLinear')!;
    expect(toNumber(weightDq.attribute![0]!.i)).toBe(1);
    const diff = maxAbsDiff(
      await runDense(result.bytes, model, x, batch),
      await runDense(fp32, model, x, batch),
    );
    expect(diff).toBeLessThan(0.01);
  });

  it('weightOnly puts DequantizeLinear on weights only, with no calibration', async () => {
    const fp32 = denseModelToOnnx(model);
    const result = await quantizeQdqInt8(fp32, { weightOnly: true });
    expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({ DequantizeLinear: 2, MatMul: 2 });
    expect(inspectOnnx(result.bytes).opHistogram.QuantizeLinear).toBeUndefined();
    const expected = runDenseReference(model, x, batch, 'qdq-int8');
    expect(maxAbsDiff(await runDense(result.bytes, model, x, batch), expected)).toBeLessThan(1e-5);
  });

  it('raises opset 11 to 13 for per-channel DequantizeLinear, converting ops that changed meaning', async () => {
    const raised = await quantizeQdqInt8(denseModelToOnnx(model, { opset: 11 }), {
      weightOnly: true,
      perChannel: true,
    });
    expect(raised.notes).toEqual(['raised the ai.onnx opset from 11 to 13 for per-channel DequantizeLinear']);
    const graph = decodeOnnx(denseModelToOnnx(model, { opset: 11 }));
    graph.graph!.node!.push({
      name: 'squeeze',
      opType: 'Squeeze',
      input: ['probabilities'],
      output: ['squeezed'],
    });
    const withSqueeze = encodeOnnx(graph);
    // Squeeze's axes became an input at 13; one without axes means the same (onnx-opset-upgrade.test.ts
    // covers the conversions).
    expect((await quantizeQdqInt8(withSqueeze, { weightOnly: true, perChannel: true })).notes).toEqual([
      'raised the ai.onnx opset from 11 to 13 for per-channel DequantizeLinear',
    ]);
    expect((await quantizeQdqInt8(withSqueeze, { weightOnly: true })).notes).toEqual([]);
  });

  it('asks for calibration examples (BAD_ARGUMENT) unless weightOnly', async () => {
    await expect(quantizeQdqInt8(denseModelToOnnx(model), {})).rejects.toThrow(ModelToolsError);
    await expect(quantizeQdqInt8(denseModelToOnnx(model), { calibration: [] })).rejects.toThrow(
      /calibration/,
    );
    const wrongWidth = [{ input: new Float32Array(783) }];
    await expect(quantizeQdqInt8(denseModelToOnnx(model), { calibration: wrongWidth })).rejects.toThrow(
      /783 numbers/,
    );
  });
});
