import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../src/dense-model.js';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { DataType } from '../src/onnx/proto.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { makeTensor, tensorDims, toNumber } from '../src/onnx/tensor.js';
import { tensorValueInfo } from '../src/onnx/value-info.js';
import { quantizeInt4 } from '../src/quantize/int4.js';
import { runDenseReference } from '../src/quantize/reference.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { maxAbsDiff, runDense, seeded } from './support/test-data.js';

describe('quantizeInt4 (MatMulNBits)', () => {
  const batch = 5;
  const model = randomDenseModel([784, 64, 10], 21);
  const logits: DenseModel = {
    ...model,
    layers: model.layers.map((l, i) => (i === 1 ? { ...l, activation: 'none' } : l)),
  };
  const x = seeded(batch * 784, 9);

  // 784 = 24.5 blocks of 32: the last block is padded and the block count is odd (zero points share bytes).
  for (const [blockSize, symmetric] of [
    [32, false],
    [32, true],
    [16, false],
    [128, true],
  ] as const) {
    it(`block ${blockSize}, ${symmetric ? 'symmetric' : 'asymmetric'}: onnxruntime matches the dequantize-then-matmul reference (1e-5)`, async () => {
      for (const m of [model, logits]) {
        const { bytes } = quantizeInt4(denseModelToOnnx(m), { blockSize, symmetric });
        const expected = runDenseReference(m, x, batch, 'int4', { blockSize, symmetric });
        expect(maxAbsDiff(await runDense(bytes, m, x, batch), expected)).toBeLessThan(1e-5);
      }
    });
  }

  it('784→64→10: ≤ 0.21× the float size, probabilities within 0.05 of float', async () => {
    const fp32 = denseModelToOnnx(model);
    const result = quantizeInt4(fp32);
    expect(result.bytes.byteLength / fp32.byteLength).toBeLessThanOrEqual(0.21);
    const diff = maxAbsDiff(
      await runDense(result.bytes, model, x, batch),
      await runDense(fp32, model, x, batch),
    );
    expect(diff).toBeLessThan(0.05);
  });

  it("lays B out as onnxruntime's MatMul4BitsQuantizer does", () => {
    const result = quantizeInt4(denseModelToOnnx(model), { blockSize: 32 });
    expect(result.quantizedNodes).toEqual(['dense_0/MatMul', 'dense_1/MatMul']);
    const model4 = decodeOnnx(result.bytes);
    expect(model4.opsetImport.map((o) => [o.domain, toNumber(o.version)])).toContainEqual([
      'com.microsoft',
      1,
    ]);
    const graph = model4.graph!;
    const node = graph.node!.find((n) => n.opType === 'MatMulNBits')!;
    expect(node.domain).toBe('com.microsoft');
    expect(node.input).toEqual([
      'input',
      'dense_0.weight_Q4',
      'dense_0.weight_scales',
      'dense_0.weight_zero_points',
    ]);
    const attrs = Object.fromEntries(node.attribute!.map((a) => [a.name, toNumber(a.i)]));
    expect(attrs).toEqual({ K: 784, N: 64, bits: 4, block_size: 32 });
    const dims = (name: string) => tensorDims(graph.initializer!.find((t) => t.name === name)!);
    expect(dims('dense_0.weight_Q4')).toEqual([64, 25, 16]);
    expect(dims('dense_0.weight_scales')).toEqual([64 * 25]);
    expect(dims('dense_0.weight_zero_points')).toEqual([64 * 13]);
    expect(graph.initializer!.find((t) => t.name === 'dense_0.weight_Q4')!.dataType).toBe(DataType.UINT8);
  });

  it('writes no zero points when symmetric', () => {
    const { bytes } = quantizeInt4(denseModelToOnnx(model), { symmetric: true });
    const node = decodeOnnx(bytes).graph!.node!.find((n) => n.opType === 'MatMulNBits')!;
    expect(node.input).toHaveLength(3);
  });

  it('turns Gemm(transB) into MatMulNBits + Add', async () => {
    const fp32 = encodeOnnx({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'gemm',
        node: [
          {
            name: 'fc',
            opType: 'Gemm',
            input: ['x', 'w', 'c'],
            output: ['y'],
            attribute: [{ name: 'transB', type: 2, i: 1 }],
          },
        ],
        initializer: [makeTensor('w', [5, 40], seeded(200, 1, 2, -1)), makeTensor('c', [5], seeded(5, 2))],
        input: [tensorValueInfo('x', DataType.FLOAT, [2, 40])],
        output: [tensorValueInfo('y', DataType.FLOAT, [2, 5])],
      },
    });
    const result = quantizeInt4(fp32, { blockSize: 16 });
    expect(inspectOnnx(result.bytes).opHistogram).toEqual({ 'com.microsoft.MatMulNBits': 1, Add: 1 });
    const xTensor = new ort.Tensor('float32', seeded(80, 3, 2, -1), [2, 40]);
    const expected = (await runOnnx(fp32, { x: xTensor })).y!.data as Float32Array;
    expect(
      maxAbsDiff((await runOnnx(result.bytes, { x: xTensor })).y!.data as Float32Array, expected),
    ).toBeLessThan(0.5);
  });

  it('refuses a block size that is not a power of two ≥ 16 with BAD_ARGUMENT', () => {
    const fp32 = denseModelToOnnx(model);
    for (const blockSize of [8, 24, 0]) {
      expect(() => quantizeInt4(fp32, { blockSize })).toThrow(ModelToolsError);
      expect(() => quantizeInt4(fp32, { blockSize })).toThrow(/power of two/);
    }
  });
});
