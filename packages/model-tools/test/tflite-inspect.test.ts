import { Builder } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { encodeTflite } from '../src/tflite/encode.js';
import { builtinOperatorName, denseModelToTflite, inspectTflite, readTflite } from '../src/tflite/index.js';
import {
  ModelField,
  OperatorCodeField,
  OperatorField,
  SubGraphField,
  TensorType,
} from '../src/tflite/schema.js';
import { randomDenseModel } from './support/random-dense-model.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelToolsError);
    return (error as ModelToolsError).code;
  }
  return undefined;
}

/** A graph of one input tensor and one operator per code, each reading the input. */
function graphWithOps(codes: number[]): Uint8Array {
  return encodeTflite({
    name: 'ops',
    description: 'op names',
    tensors: [{ name: 'x', type: TensorType.FLOAT32, shape: [1, 2] }],
    inputs: [0],
    outputs: [0],
    operators: codes.map((builtinCode) => ({ builtinCode, version: 1, inputs: [0], outputs: [0] })),
  });
}

/**
 * A model as old converters wrote it: OperatorCode with only the byte field, or a custom op.
 * Hand-built, since encodeTflite always writes builtin_code.
 */
function legacyModel(opcode: { deprecated?: number; custom?: string }): Uint8Array {
  const b = new Builder(256);
  const custom = opcode.custom ? b.createString(opcode.custom) : 0;
  b.startObject(4);
  if (opcode.deprecated !== undefined)
    b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, opcode.deprecated, -1);
  if (custom) {
    b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, 32, -1);
    b.addFieldOffset(OperatorCodeField.customCode, custom, 0);
    b.addFieldInt32(OperatorCodeField.builtinCode, 32, 0);
  }
  const code = b.endObject();
  b.startVector(4, 1, 4);
  b.addOffset(code);
  const operatorCodes = b.endVector();
  b.startObject(6);
  b.addFieldInt32(OperatorField.opcodeIndex, 0, -1);
  const op = b.endObject();
  b.startVector(4, 1, 4);
  b.addOffset(op);
  const operators = b.endVector();
  b.startObject(5);
  b.addFieldOffset(SubGraphField.operators, operators, 0);
  const subgraph = b.endObject();
  b.startVector(4, 1, 4);
  b.addOffset(subgraph);
  const subgraphs = b.endVector();
  b.startObject(8);
  b.addFieldInt32(ModelField.version, 3, 0);
  b.addFieldOffset(ModelField.operatorCodes, operatorCodes, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphs, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

describe('inspectTflite errors', () => {
  const bytes = denseModelToTflite(randomDenseModel([4, 16, 3], 3), { quantization: 'float32' });

  it('refuses a file without the TFL3 identifier with NOT_TFLITE', () => {
    const onnxLike = Uint8Array.from([0x08, 0x08, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0, 0, 0, 0]);
    for (const garbage of [
      new Uint8Array(0),
      new Uint8Array(7),
      onnxLike,
      new TextEncoder().encode('hello, world'),
    ]) {
      expect(codeOf(() => inspectTflite(garbage))).toBe('NOT_TFLITE');
    }
    expect(() => inspectTflite(onnxLike)).toThrow(/no "TFL3" identifier/);
  });

  it('reports every cut-short copy of a model as TRUNCATED, never as a model', () => {
    for (let length = 8; length < bytes.length; length++) {
      expect(codeOf(() => inspectTflite(bytes.subarray(0, length)))).toBe('TRUNCATED');
    }
    expect(() => inspectTflite(bytes.subarray(0, 100))).toThrow(/cut short.*download or export it again/);
  });

  it('reports an offset pointing past the end as TRUNCATED', () => {
    const damaged = bytes.slice();
    new DataView(damaged.buffer).setUint32(0, bytes.length + 64, true);
    expect(codeOf(() => inspectTflite(damaged))).toBe('TRUNCATED');
  });
});

describe('inspectTflite op names', () => {
  it('names common builtins and falls back to BUILTIN_<n>', () => {
    expect([0, 3, 4, 9, 14, 18, 22, 25, 40, 114, 126, 150].map(builtinOperatorName)).toEqual([
      'ADD',
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'FULLY_CONNECTED',
      'LOGISTIC',
      'MUL',
      'RESHAPE',
      'SOFTMAX',
      'MEAN',
      'QUANTIZE',
      'BATCH_MATMUL',
      'GELU',
    ]);
    expect(builtinOperatorName(400)).toBe('BUILTIN_400');
  });

  it('reads codes past 127 from builtin_code and counts each op', () => {
    const info = inspectTflite(graphWithOps([150, 150, 9, 300]));
    expect(info.opHistogram).toEqual({ GELU: 2, FULLY_CONNECTED: 1, BUILTIN_300: 1 });
    const codes = readTflite(graphWithOps([150])).operatorCodes;
    expect(codes[0]).toMatchObject({ builtinCode: 150, name: 'GELU', version: 1 });
  });

  it('reads files that only carry deprecated_builtin_code, and names custom ops', () => {
    expect(inspectTflite(legacyModel({ deprecated: 3 })).opHistogram).toEqual({ CONV_2D: 1 });
    expect(inspectTflite(legacyModel({ custom: 'TFLite_Detection_PostProcess' })).opHistogram).toEqual({
      TFLite_Detection_PostProcess: 1,
    });
  });

  it('shows the quantization of a quantized interface tensor', () => {
    const bytes = encodeTflite({
      name: 'q',
      description: '',
      tensors: [
        { name: 'q', type: TensorType.INT8, shape: [1, 3], quantization: { scale: [0.5], zeroPoint: [-3] } },
      ],
      inputs: [0],
      outputs: [0],
      operators: [],
    });
    expect(inspectTflite(bytes).inputs).toEqual([
      {
        name: 'q',
        dtype: 'int8',
        shape: [1, 3],
        quantization: { scale: [0.5], zeroPoint: [-3], quantizedDimension: 0 },
      },
    ]);
  });
});
