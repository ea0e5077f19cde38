import { ModelToolsError } from '../errors.js';
import { DataType, type LongLike, onnx, type TensorProto } from './proto.js';

/** Element type names as onnxruntime-web spells them, indexed by TensorProto.DataType. */
const DTYPE_NAMES: Record<number, string> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
  [DataType.COMPLEX64]: 'complex64',
  [DataType.COMPLEX128]: 'complex128',
  [DataType.BFLOAT16]: 'bfloat16',
};

/** Bytes per element for the fixed-width types (strings have none). */
const DTYPE_BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4,
  [DataType.UINT8]: 1,
  [DataType.INT8]: 1,
  [DataType.UINT16]: 2,
  [DataType.INT16]: 2,
  [DataType.INT32]: 4,
  [DataType.INT64]: 8,
  [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2,
  [DataType.DOUBLE]: 8,
  [DataType.UINT32]: 4,
  [DataType.UINT64]: 8,
  [DataType.COMPLEX64]: 8,
  [DataType.COMPLEX128]: 16,
  [DataType.BFLOAT16]: 2,
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function dtypeName(dataType: number | null | undefined): string {
  return DTYPE_NAMES[dataType ?? 0] ?? `unknown(${dataType ?? 0})`;
}

/** int64 fields arrive as protobufjs Long objects; every size we handle fits in a double. */
export function toNumber(value: LongLike | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** Bytes the tensor's values take when stored (what a size budget counts). */
export function tensorByteLength(tensor: TensorProto): number {
  if (tensor.rawData && tensor.rawData.byteLength > 0) return tensor.rawData.byteLength;
  if (tensor.dataType === DataType.STRING) {
    return (tensor.stringData ?? []).reduce((n, s) => n + s.byteLength, 0);
  }
  return elementCount(tensorDims(tensor)) * (DTYPE_BYTES[tensor.dataType ?? 0] ?? 0);
}

/** Copies raw bytes into an aligned buffer: protobufjs hands out views into the file's buffer at any offset. */
function alignedCopy(raw: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy.buffer;
}

/**
 * Reads a float32 (or float64) tensor's values, from raw_data (little-endian) or float_data/double_data.
 * Throws UNSUPPORTED for weights stored outside the file or of another element type.
 */
export function readFloatTensor(tensor: TensorProto): Float32Array {
  const name = tensor.name || '(unnamed)';
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `tensor "${name}" keeps its data in an external file; save the model with its weights inside (one .onnx file)`,
    );
  }
  const count = elementCount(tensorDims(tensor));
  const raw = tensor.rawData;
  if (tensor.dataType === DataType.FLOAT) {
    if (raw && raw.byteLength > 0) {
      if (raw.byteLength !== count * 4) throw sizeMismatch(name, count * 4, raw.byteLength);
      if (LITTLE_ENDIAN_HOST) return new Float32Array(alignedCopy(raw));
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    }
    return Float32Array.from(tensor.floatData ?? []);
  }
  if (tensor.dataType === DataType.DOUBLE) {
    if (raw && raw.byteLength > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Float32Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
    }
    return Float32Array.from(tensor.doubleData ?? []);
  }
  throw new ModelToolsError(
    'UNSUPPORTED',
    `tensor "${name}" is ${dtypeName(tensor.dataType)}, expected float32 weights`,
  );
}

function sizeMismatch(name: string, expected: number, actual: number): ModelToolsError {
  return new ModelToolsError(
    'NOT_ONNX',
    `tensor "${name}" holds ${actual} bytes but its shape needs ${expected}: the model is corrupt; export it again`,
  );
}

export type TensorValues = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

function dataTypeOf(values: TensorValues): number {
  if (values instanceof Float32Array) return DataType.FLOAT;
  if (values instanceof Int8Array) return DataType.INT8;
  if (values instanceof Uint8Array) return DataType.UINT8;
  if (values instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

/** Little-endian bytes of a typed array, as raw_data wants them. */
function littleEndianBytes(values: TensorValues): Uint8Array {
  if (LITTLE_ENDIAN_HOST || values.BYTES_PER_ELEMENT === 1) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  }
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (typeof v === 'bigint') view.setBigInt64(i * 8, v, true);
    else if (values instanceof Float32Array) view.setFloat32(i * 4, v, true);
    else view.setInt32(i * 4, v, true);
  });
  return out;
}

/**
 * Makes an initializer; the element type follows the typed array (float32, int8, uint8, int32, int64).
 *
 * @example
 * makeTensor('fc.bias', [10], new Float32Array(10))
 */
export function makeTensor(name: string, dims: readonly number[], values: TensorValues): TensorProto {
  if (elementCount(dims) !== values.length) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `tensor "${name}" has shape [${dims.join(', ')}] but ${values.length} values`,
    );
  }
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: dataTypeOf(values),
    rawData: littleEndianBytes(values),
  });
}

/** Reads a small integer tensor (shapes, axes, sample rates) as numbers. */
export function readIntTensor(tensor: TensorProto): number[] {
  const raw = tensor.rawData;
  const count = elementCount(tensorDims(tensor));
  if (raw && raw.byteLength > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (tensor.dataType === DataType.INT64) {
      return Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    }
    if (tensor.dataType === DataType.INT32)
      return Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
  }
  if (tensor.dataType === DataType.INT64) return (tensor.int64Data ?? []).map(toNumber);
  if (tensor.dataType === DataType.INT32) return [...(tensor.int32Data ?? [])];
  throw new ModelToolsError(
    'UNSUPPORTED',
    `tensor "${tensor.name}" is ${dtypeName(tensor.dataType)}, expected int32/int64`,
  );
}
