import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { intAttr, intsAttr } from '../src/onnx/attributes.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { DataType, type NodeProto, onnx } from '../src/onnx/proto.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { makeTensor, toNumber } from '../src/onnx/tensor.js';
import { tensorValueInfo } from '../src/onnx/value-info.js';
import { convertFloat16 } from '../src/quantize/float16.js';
import { checkWithOnnx } from './support/onnx-checker.js';
import { maxAbsDiff, seeded } from './support/test-data.js';

const node = (opType: string, input: string[], output: string[], attribute: NodeProto['attribute'] = []) => ({
  name: opType.toLowerCase(),
  opType,
  input,
  output,
  attribute,
});

/**
 * x [1,1,2,2] → Mul(w) → Resize(scales, a float32-only input) → TopK (kept in float32) → Add
 * ConstantOfShape without a value (float32 zeros), Cast(to=FLOAT) and RandomNormal × 0, all summed.
 */
function policyModel(): Uint8Array {
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'policy',
      node: [
        node('Mul', ['x', 'w'], ['m']),
        node(
          'Resize',
          ['m', '', 'scales'],
          ['r'],
          [{ name: 'mode', type: 3, s: new TextEncoder().encode('nearest') }],
        ),
        node('Reshape', ['r', 'flat_shape'], ['flat']),
        node('TopK', ['flat', 'k'], ['top', 'top_index']),
        node('Cast', ['top_index'], ['index_float'], [intAttr('to', DataType.FLOAT)]),
        node('ConstantOfShape', ['k'], ['zeros']),
        node('RandomNormal', [], ['noise'], [intsAttr('shape', [4])]),
        node('Constant', [], ['zero'], [{ name: 'value_float', type: 1, f: 0 }]),
        { ...node('Mul', ['noise', 'zero'], ['silent']), name: 'silence' },
        { ...node('Add', ['top', 'index_float'], ['s1']), name: 'add1' },
        { ...node('Add', ['s1', 'zeros'], ['s2']), name: 'add2' },
        { ...node('Add', ['s2', 'silent'], ['y']), name: 'add3' },
      ],
      initializer: [
        makeTensor('w', [1], Float32Array.of(0.5)),
        makeTensor('scales', [4], Float32Array.of(1, 1, 2, 2)),
        makeTensor('flat_shape', [1], BigInt64Array.of(-1n)),
        makeTensor('k', [1], BigInt64Array.of(4n)),
      ],
      input: [tensorValueInfo('x', DataType.FLOAT, [1, 1, 2, 2])],
      output: [tensorValueInfo('y', DataType.FLOAT, [4])],
    },
  });
}

const run = async (bytes: Uint8Array, x: Float32Array) =>
  (await runOnnx(bytes, { x: new ort.Tensor('float32', x, [1, 1, 2, 2]) })).y!.data as Float32Array;

describe('convertFloat16 op policy', () => {
  const float = policyModel();
  const result = convertFloat16(float);
  const graph = decodeOnnx(result.bytes).graph!;
  const find = (name: string) => graph.node!.find((n) => n.name === name)!;

  it('keeps TopK and RandomNormal in float32 between Casts and says why', () => {
    expect(result.keptFloat32).toEqual([
      { name: 'topk', reason: expect.stringMatching(/^float16 rounding/) },
      { name: 'randomnormal', reason: expect.stringMatching(/^onnxruntime has no float16 kernel/) },
    ]);
    const topk = find('topk');
    expect(topk.input).toEqual(['flat_fp32', 'k']);
    expect(topk.output).toEqual(['top_fp32', 'top_index']);
    const castBack = graph.node!.find((n) => n.input?.[0] === 'top_fp32')!;
    expect(castBack.output).toEqual(['top']);
    expect(toNumber(castBack.attribute![0]!.i)).toBe(DataType.FLOAT16);
  });

  it('leaves float32-only inputs and integer tensors alone, retypes Cast and ConstantOfShape', () => {
    const types = Object.fromEntries(graph.initializer!.map((t) => [t.name, t.dataType]));
    expect(types).toEqual({
      w: DataType.FLOAT16,
      scales: DataType.FLOAT,
      flat_shape: DataType.INT64,
      k: DataType.INT64,
    });
    expect(result.convertedInitializers.sort()).toEqual(['w', 'zero']);
    expect(toNumber(find('cast').attribute![0]!.i)).toBe(DataType.FLOAT16);
    expect(find('randomnormal').output).toEqual(['noise_fp32']);
    expect(find('constantofshape').attribute!.find((a) => a.name === 'value')!.t!.dataType).toBe(
      DataType.FLOAT16,
    );
    expect(graph.input![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT);
    expect(graph.output![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT);
    expect(graph.node![0]!.output).toEqual(['x_fp16']);
  });

  it('runs in onnxruntime-web and matches the float32 model', async () => {
    const x = seeded(4, 7, 2, -1);
    expect(maxAbsDiff(await run(result.bytes, x), await run(float, x))).toBeLessThan(2e-3);
  });

  it('passes the ONNX checker with full shape inference', () => {
    checkWithOnnx(result.bytes);
  });

  it('keepNodes leaves named nodes in float32; control flow and unknown names are refused', () => {
    const kept = convertFloat16(float, { keepNodes: ['add1'] });
    expect(kept.keptFloat32.map((k) => k.name)).toEqual(['topk', 'randomnormal', 'add1']);
    expect(kept.keptFloat32[2]!.reason).toBe('kept in float32 by the caller');
    expect(() => convertFloat16(float, { keepNodes: ['nope'] })).toThrow(/no node named "nope"/);
  });

  it('keepIoTypes: false makes the graph inputs and outputs float16', () => {
    const g = decodeOnnx(convertFloat16(float, { keepIoTypes: false }).bytes).graph!;
    expect(g.input![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT16);
    expect(g.output![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT16);
  });

  it('clamps weights beyond ±65504 and reports how many', () => {
    const model = decodeOnnx(float);
    model.graph!.initializer![0] = makeTensor('w', [1], Float32Array.of(1e6));
    const big = convertFloat16(encodeOnnx(model));
    expect(big.clampedValues).toBe(1);
    expect(big.notes).toEqual(['1 value(s) beyond ±65504 were clamped to the largest float16']);
  });

  it('refuses weights stored outside the file with UNSUPPORTED, and non-ONNX bytes with NOT_ONNX', () => {
    const model = decodeOnnx(float);
    const w = model.graph!.initializer![0]!;
    w.rawData = new Uint8Array();
    w.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    const error = (() => {
      try {
        convertFloat16(encodeOnnx(model));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelToolsError);
    expect((error as ModelToolsError).code).toBe('UNSUPPORTED');
    expect(() => convertFloat16(new TextEncoder().encode('not a model'))).toThrow(ModelToolsError);
  });
});
