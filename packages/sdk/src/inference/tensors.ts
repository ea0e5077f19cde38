import type { TensorDType } from '../models/manifest-types.js';

/** The typed arrays a tensor's data may be, by dtype. */
export type TensorData = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** A tensor: flat row-major data and its dimensions. */
export interface Tensor {
  data: TensorData;
  dims: number[];
}

/**
 * What `predict` accepts per input: a bare typed array (its shape is the declared one, with the
 * dynamic dimension filled in: usually a batch of 1) or an explicit tensor.
 */
export type TensorInput = TensorData | Tensor;
export type NamedInputs = Record<string, TensorInput>;
export type NamedOutputs = Record<string, Tensor>;

/** The typed array class that holds each dtype (float16 travels as raw Uint16 bits, bool as Uint8). */
export const ARRAY_FOR_DTYPE: Record<TensorDType, string> = {
  float32: 'Float32Array',
  float16: 'Uint16Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  bool: 'Uint8Array',
};

export function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'data' in value && 'dims' in value;
}

export function arrayKind(data: unknown): string {
  if (ArrayBuffer.isView(data)) return data.constructor.name;
  if (Array.isArray(data)) return 'a plain Array';
  return data === null ? 'null' : typeof data;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** The buffers to transfer (not copy) across a worker boundary. */
export function transferablesOf(tensors: Record<string, Tensor>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const t of Object.values(tensors)) {
    if (t.data.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  }
  return [...buffers];
}

/** Fresh buffers for the tensors (dims shared: callers never mutate them after validation). */
export function copyTensors(tensors: Record<string, Tensor>): Record<string, Tensor> {
  const copy: Record<string, Tensor> = {};
  for (const name in tensors) {
    const t = tensors[name]!;
    copy[name] = { data: t.data.slice() as TensorData, dims: t.dims };
  }
  return copy;
}
