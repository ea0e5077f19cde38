import type { TensorJson } from '@edgewise/protocol';
import type * as ort from 'onnxruntime-web';
import { ServerError } from '../errors.js';

// The wire shape and its schema live in the protocol; this file converts to and from ORT tensors.
export { type TensorDType, type TensorJson, tensorJsonSchema } from '@edgewise/protocol';

export function toOrtTensor(ortModule: Pick<typeof ort, 'Tensor'>, name: string, t: TensorJson): ort.Tensor {
  const expected = t.dims.reduce((a, b) => a * b, 1);
  if (expected !== t.data.length) {
    throw new ServerError(
      'BAD_REQUEST',
      `body: inputs.${name}.data has ${t.data.length} values but dims [${t.dims.join(', ')}] need ${expected}`,
    );
  }
  const dtype = t.dtype ?? 'float32';
  if (dtype !== 'int64' && t.data.some((v) => typeof v === 'string')) {
    throw new ServerError('BAD_REQUEST', `body: inputs.${name}.data may hold strings only for dtype int64`);
  }
  const numbers = t.data as number[];
  switch (dtype) {
    case 'float32':
      return new ortModule.Tensor('float32', Float32Array.from(numbers), t.dims);
    case 'float16':
      return new ortModule.Tensor('float16', Uint16Array.from(numbers), t.dims);
    case 'int32':
      return new ortModule.Tensor('int32', Int32Array.from(numbers), t.dims);
    case 'int64':
      return new ortModule.Tensor(
        'int64',
        BigInt64Array.from(t.data, (v) => BigInt(typeof v === 'string' ? v : Math.trunc(v))),
        t.dims,
      );
    case 'uint8':
      return new ortModule.Tensor('uint8', Uint8Array.from(numbers), t.dims);
    case 'int8':
      return new ortModule.Tensor('int8', Int8Array.from(numbers), t.dims);
    case 'bool':
      return new ortModule.Tensor(
        'bool',
        Uint8Array.from(numbers, (v) => (v ? 1 : 0)),
        t.dims,
      );
  }
}

/** An output tensor for JSON: int64 as strings (exact), everything else as numbers. */
export function fromOrtTensor(t: ort.Tensor): { dims: number[]; dtype: string; data: (number | string)[] } {
  const data =
    t.type === 'int64' || t.type === 'uint64'
      ? Array.from(t.data as BigInt64Array, (v) => v.toString())
      : Array.from(t.data as ArrayLike<number>, (v) => Number(v));
  return { dims: [...t.dims], dtype: t.type, data };
}
