import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { decodeOnnx, encodeOnnx } from '../src/onnx/codec.js';
import { denseModelToOnnx } from '../src/onnx/dense-to-onnx.js';
import { DataType, onnx } from '../src/onnx/proto.js';
import { makeTensor, readFloatTensor, readIntTensor, tensorDims, toNumber } from '../src/onnx/tensor.js';
import { randomDenseModel } from './support/random-dense-model.js';

const SILERO = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelToolsError) return error.code;
    throw error;
  }
  return undefined;
}

describe('decodeOnnx / encodeOnnx', () => {
  const bytes = denseModelToOnnx(randomDenseModel([4, 16, 3], 1));

  it('round-trips a model byte for byte', () => {
    const model = decodeOnnx(bytes);
    expect(encodeOnnx(model)).toEqual(bytes);
    expect(model.graph?.node?.map((n) => n.opType)).toEqual([
      'MatMul',
      'Add',
      'Relu',
      'MatMul',
      'Add',
      'Softmax',
    ]);
  });

  it('re-encodes Silero VAD to the same content (repeated ints come out packed, so bytes may differ once)', () => {
    const once = encodeOnnx(decodeOnnx(new Uint8Array(readFileSync(SILERO))));
    // Buffer.equals: a deep toEqual over 2 MB of bytes takes seconds.
    expect(Buffer.from(encodeOnnx(decodeOnnx(once))).equals(Buffer.from(once))).toBe(true);
  });

  it('refuses bytes that are not ONNX with NOT_ONNX', () => {
    const text = new TextEncoder().encode('name,value\n1,2\n');
    const noise = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    const tflite = Uint8Array.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0, 0, 0]);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const garbage of [new Uint8Array(0), text, noise, tflite, png]) {
      expect(codeOf(() => decodeOnnx(garbage))).toBe('NOT_ONNX');
    }
  });

  it('refuses a protobuf with an ir_version and opsets but no graph as NOT_ONNX', () => {
    const headerOnly = encodeOnnx({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] });
    expect(codeOf(() => decodeOnnx(headerOnly))).toBe('NOT_ONNX');
  });

  it('says TRUNCATED, with what to do, for a file cut anywhere', () => {
    for (const length of [1, 3, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
      expect(codeOf(() => decodeOnnx(bytes.subarray(0, length)))).toBe('TRUNCATED');
    }
    expect(() => decodeOnnx(bytes.subarray(0, 100))).toThrow(/incomplete; download or export it again/);
  });
});

describe('tensor helpers', () => {
  it('writes float32, int8, uint8, int32 and int64 initializers and reads them back', () => {
    const weights = Float32Array.from([1.5, -2.25, 3e-8, 0]);
    const tensor = makeTensor('w', [2, 2], weights);
    expect(tensor.dataType).toBe(DataType.FLOAT);
    expect(readFloatTensor(tensor)).toEqual(weights);
    expect(makeTensor('q', [3], Int8Array.of(-127, 0, 127)).dataType).toBe(DataType.INT8);
    expect(makeTensor('z', [], Uint8Array.of(128)).dataType).toBe(DataType.UINT8);
    expect(readIntTensor(makeTensor('i', [2], Int32Array.of(-5, 7)))).toEqual([-5, 7]);
    expect(readIntTensor(makeTensor('l', [2], BigInt64Array.of(16000n, -1n)))).toEqual([16000, -1]);
  });

  it('reads float_data tensors and Long dims after a decode', () => {
    const model = decodeOnnx(
      encodeOnnx({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'g',
          initializer: [{ name: 'f', dims: [3], dataType: DataType.FLOAT, floatData: [1, 2, 3] }],
        },
      }),
    );
    const tensor = model.graph!.initializer![0]!;
    expect(typeof tensor.dims![0]).toBe('object'); // a protobufjs Long
    expect(tensorDims(tensor)).toEqual([3]);
    expect(readFloatTensor(tensor)).toEqual(Float32Array.of(1, 2, 3));
    expect(toNumber(model.irVersion)).toBe(8);
  });

  it('refuses a shape that does not match the values', () => {
    expect(codeOf(() => makeTensor('w', [2, 3], new Float32Array(5)))).toBe('BAD_ARGUMENT');
  });

  it('refuses weights kept in an external file as UNSUPPORTED', () => {
    const external = onnx.TensorProto.create({
      name: 'w',
      dims: [2],
      dataType: DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    });
    expect(codeOf(() => readFloatTensor(external))).toBe('UNSUPPORTED');
  });
});
