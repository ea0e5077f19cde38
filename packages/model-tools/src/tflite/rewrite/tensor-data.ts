import { ModelToolsError } from '../../errors.js';
import { TENSOR_TYPE_NAMES, TensorType } from '../schema.js';
import type { GraphTensor, TfliteGraph } from './graph.js';

/** IEEE half → float (denormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A constant float tensor's values as float32 (FLOAT32 read in place, FLOAT16 widened). */
export function constantFloats(graph: TfliteGraph, tensor: GraphTensor): Float32Array {
  const data = graph.buffers[tensor.buffer]!;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (tensor.type === TensorType.FLOAT32) {
    return Float32Array.from({ length: data.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
  }
  if (tensor.type === TensorType.FLOAT16) {
    return Float32Array.from({ length: data.length / 2 }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
  }
  throw new ModelToolsError(
    'UNSUPPORTED',
    `tensor "${tensor.name}" is ${TENSOR_TYPE_NAMES[tensor.type]}, not a float constant; the quantizer only rewrites float32/float16 weights`,
  );
}

export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function int32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

export function int8Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Int8Array.from(values).buffer);
}
