import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { DenseModel } from '../src/dense-model.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { DataType, type NodeProto, type TensorProto } from '../src/onnx/proto.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { makeTensor } from '../src/onnx/tensor.js';
import { tensorValueInfo } from '../src/onnx/value-info.js';
import { quantizeDynamicInt8 } from '../src/quantize/dynamic-int8.js';
import { runDenseReference } from '../src/quantize/reference.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { maxAbsDiff, runDense, seeded } from './support/test-data.js';

function oneNodeModel(node: NodeProto, initializers: TensorProto[], input: [number[], number[]]): Uint8Array {
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'one',
      node: [{ ...node, input: node.input, output: ['y'] }],
      initializer: initializers,
      input: [tensorValueInfo('x', DataType.FLOAT, input[0])],
      output: [tensorValueInfo('y', DataType.FLOAT, input[1])],
    },
  });
}

describe('quantizeDynamicInt8 on DenseModel graphs', () => {
  const batch = 6;
  for (const sizes of [
    [784, 64, 10],
    [4, 16, 3],
  ]) {
    const model = randomDenseModel(sizes, 11);
    const logits: DenseModel = {
      ...model,
      layers: model.layers.map((l, i) => (i === 1 ? { ...l, activation: 'none' } : l)),
    };
    const x = seeded(batch * sizes[0]!, 5);

    for (const perChannel of [false, true]) {
      const label = `${sizes.join('→')} ${perChannel ? 'per-channel' : 'per-tensor'}`;

      it(`${label}: onnxruntime computes exactly the reference integer arithmetic (1e-5)`, async () => {
        for (const m of [model, logits]) {
          const { bytes } = quantizeDynamicInt8(denseModelToOnnx(m), { perChannel });
          const got = await runDense(bytes, m, x, batch);
          expect(
            maxAbsDiff(got, runDenseReference(m, x, batch, 'dynamic-int8', { perChannel })),
          ).toBeLessThan(1e-5);
        }
      });

      it(`${label}: stays close to the float model`, async () => {
        const fp32 = denseModelToOnnx(model);
        const { bytes } = quantizeDynamicInt8(fp32, { perChannel });
        const diff = maxAbsDiff(
          await runDense(bytes, model, x, batch),
          await runDense(fp32, model, x, batch),
        );
        expect(diff).toBeLessThan(0.01);
      });
    }
  }

  it('784→64→10: writes the quantize_dynamic graph form at ≤ 0.27× the float size', () => {
    const fp32 = denseModelToOnnx(randomDenseModel([784, 64, 10], 3));
    const result = quantizeDynamicInt8(fp32);
    expect(result.bytes.byteLength / fp32.byteLength).toBeLessThanOrEqual(0.27);
    expect(result.quantizedNodes).toEqual(['dense_0/MatMul', 'dense_1/MatMul']);
    expect(result.skippedNodes).toEqual([]);
    const info = inspectOnnx(result.bytes);
    expect(info.opHistogram).toEqual({
      DynamicQuantizeLinear: 2,
      MatMulInteger: 2,
      Cast: 2,
      Mul: 4,
      Add: 2,
      Relu: 1,
      Softmax: 1,
    });
    const graph = decodeOnnx(result.bytes).graph!;
    const weight = graph.initializer!.find((t) => t.name === 'dense_0.weight_quantized')!;
    expect(weight.dataType).toBe(DataType.INT8);
    expect(graph.initializer!.some((t) => t.name === 'dense_0.weight')).toBe(false);
    const first = graph.node![0]!;
    expect(first).toMatchObject({ opType: 'DynamicQuantizeLinear', input: ['input'] });
    expect(first.output).toEqual(['input_quantized', 'input_scale', 'input_zero_point']);
    const integer = graph.node!.find((n) => n.opType === 'MatMulInteger')!;
    expect(integer.input).toEqual([
      'input_quantized',
      'dense_0.weight_quantized',
      'input_zero_point',
      'dense_0.weight_zero_point',
    ]);
  });

  it('raises an old opset to 11 for DynamicQuantizeLinear, with the IR version it needs, and says so', async () => {
    const model = randomDenseModel([4, 16, 3], 2);
    const result = quantizeDynamicInt8(denseModelToOnnx(model, { opset: 9 }));
    expect(result.notes).toEqual(['raised the ai.onnx opset from 9 to 11 for DynamicQuantizeLinear']);
    expect(inspectOnnx(result.bytes).opsets).toEqual([{ domain: 'ai.onnx', version: 11 }]);
    const x = seeded(8, 1);
    const expected = runDenseReference(model, x, 2, 'dynamic-int8');
    expect(maxAbsDiff(await runDense(result.bytes, model, x, 2), expected)).toBeLessThan(1e-5);
  });

  it('keeps a MatMul whose weight is computed at run time in float, and says why', () => {
    const bytes = encodeOnnx({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{ name: 'mm', opType: 'MatMul', input: ['a', 'b'], output: ['y'] }],
        input: [tensorValueInfo('a', DataType.FLOAT, [2, 3]), tensorValueInfo('b', DataType.FLOAT, [3, 2])],
        output: [tensorValueInfo('y', DataType.FLOAT, [2, 2])],
      },
    });
    const result = quantizeDynamicInt8(bytes);
    expect(result.quantizedNodes).toEqual([]);
    expect(result.skippedNodes).toEqual([
      { name: 'mm', reason: 'its weight "b" is computed at run time, not a constant' },
    ]);
  });
});

describe('quantizeDynamicInt8 on Gemm, Conv and subgraphs', () => {
  it('turns Gemm(transB, alpha, beta, C) into MatMulInteger + Add with the same result', async () => {
    const node = {
      name: 'fc',
      opType: 'Gemm',
      input: ['x', 'w', 'c'],
      attribute: [
        { name: 'transB', type: 2, i: 1 },
        { name: 'alpha', type: 1, f: 0.5 },
        { name: 'beta', type: 1, f: 2 },
      ],
    };
    const fp32 = oneNodeModel(
      node,
      [makeTensor('w', [5, 6], seeded(30, 1, 2, -1)), makeTensor('c', [5], seeded(5, 2))],
      [
        [3, 6],
        [3, 5],
      ],
    );
    const x = new ort.Tensor('float32', seeded(18, 3, 2, -1), [3, 6]);
    const expected = (await runOnnx(fp32, { x })).y!.data as Float32Array;
    for (const perChannel of [false, true]) {
      const result = quantizeDynamicInt8(fp32, { perChannel });
      expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({ MatMulInteger: 1, Add: 1 });
      expect(maxAbsDiff((await runOnnx(result.bytes, { x })).y!.data as Float32Array, expected)).toBeLessThan(
        0.03,
      );
    }
  });

  it('turns Conv into ConvInteger (per tensor and per channel) that onnxruntime-web runs', async () => {
    const node = {
      name: 'conv',
      opType: 'Conv',
      input: ['x', 'w', 'b'],
      attribute: [
        { name: 'kernel_shape', type: 7, ints: [3] },
        { name: 'pads', type: 7, ints: [1, 1] },
      ],
    };
    const weights = seeded(3 * 2 * 3, 4, 2, -1).map((v, i) => (i < 6 ? v * 0.05 : v));
    const fp32 = oneNodeModel(
      node,
      [makeTensor('w', [3, 2, 3], weights), makeTensor('b', [3], seeded(3, 5))],
      [
        [1, 2, 10],
        [1, 3, 10],
      ],
    );
    const x = new ort.Tensor('float32', seeded(20, 6, 2, -1), [1, 2, 10]);
    const expected = (await runOnnx(fp32, { x })).y!.data as Float32Array;
    const errors: number[] = [];
    for (const perChannel of [false, true]) {
      const result = quantizeDynamicInt8(fp32, { perChannel });
      expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({
        DynamicQuantizeLinear: 1,
        ConvInteger: 1,
        Add: 1,
      });
      errors.push(maxAbsDiff((await runOnnx(result.bytes, { x })).y!.data as Float32Array, expected));
    }
    expect(Math.max(...errors)).toBeLessThan(0.05);
    // The first output channel's weights are 20× smaller: its own scale helps it.
    expect(errors[1]).toBeLessThanOrEqual(errors[0]!);
  });

  it('quantizes MatMuls inside If branches that read an initializer of the outer graph', async () => {
    const branch = (name: string, extra: NodeProto[]) => ({
      name,
      node: [{ name: `${name}/mm`, opType: 'MatMul', input: ['x', 'w'], output: [`${name}_mm`] }, ...extra],
      output: [tensorValueInfo(`${name}_out`, DataType.FLOAT, [2, 3])],
    });
    const fp32 = encodeOnnx({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'outer',
        node: [
          {
            name: 'if',
            opType: 'If',
            input: ['flag'],
            output: ['y'],
            attribute: [
              {
                name: 'then_branch',
                type: 5,
                g: branch('then', [{ opType: 'Relu', input: ['then_mm'], output: ['then_out'] }]),
              },
              {
                name: 'else_branch',
                type: 5,
                g: branch('else', [{ opType: 'Neg', input: ['else_mm'], output: ['else_out'] }]),
              },
            ],
          },
        ],
        initializer: [makeTensor('w', [4, 3], seeded(12, 7, 2, -1))],
        input: [tensorValueInfo('x', DataType.FLOAT, [2, 4]), tensorValueInfo('flag', DataType.BOOL, [])],
        output: [tensorValueInfo('y', DataType.FLOAT, [2, 3])],
      },
    });
    const result = quantizeDynamicInt8(fp32);
    expect(result.quantizedNodes).toEqual(['then/mm', 'else/mm']);
    expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({
      MatMulInteger: 2,
      DynamicQuantizeLinear: 2,
    });
    expect(decodeOnnx(result.bytes).graph!.initializer).toEqual([]);
    const x = new ort.Tensor('float32', seeded(8, 8, 2, -1), [2, 4]);
    for (const flag of [true, false]) {
      const feeds = { x, flag: new ort.Tensor('bool', [flag], []) };
      const expected = (await runOnnx(fp32, feeds)).y!.data as Float32Array;
      expect(maxAbsDiff((await runOnnx(result.bytes, feeds)).y!.data as Float32Array, expected)).toBeLessThan(
        0.03,
      );
    }
  });
});
