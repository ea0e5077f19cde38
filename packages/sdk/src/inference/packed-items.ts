import { EdgewiseError } from '../errors.js';
import { elementCount, type Tensor, type TensorData } from './tensors.js';

/** One tensor name across many items: their values end to end in one buffer, and each item's dims. */
export interface PackedTensor {
  data: TensorData;
  dims: number[][];
}

/**
 * Many items' tensors as one buffer per name. Crossing to the worker and back as one transfer per
 * name, not one per item and name, is what keeps a batch of small tensors (a run of audio frames, each
 * with its state) from paying a transfer and a structured-clone object for every one of them.
 */
export interface PackedItems {
  count: number;
  tensors: Record<string, PackedTensor>;
}

/** Copies the items into one buffer per name; the items' own buffers are left as they were. */
export function packItems(items: readonly Record<string, Tensor>[]): PackedItems {
  const tensors: Record<string, PackedTensor> = {};
  const first = items[0];
  if (!first) return { count: 0, tensors };
  for (const name of Object.keys(first)) {
    let total = 0;
    const dims: number[][] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const t = items[i]![name];
      if (!t) {
        throw new EdgewiseError('INTERNAL', `item ${i} of a batch has no tensor "${name}" where item 0 has`);
      }
      total += t.data.length;
      dims[i] = t.dims;
    }
    const Ctor = first[name]!.data.constructor as new (length: number) => TensorData;
    const data = new Ctor(total);
    let offset = 0;
    for (const item of items) {
      const part = item[name]!.data;
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    tensors[name] = { data, dims };
  }
  return { count: items.length, tensors };
}

/** The items again, each tensor a view into its name's one buffer (no copy). */
export function unpackItems(packed: PackedItems): Record<string, Tensor>[] {
  const items: Record<string, Tensor>[] = new Array(packed.count);
  for (let i = 0; i < packed.count; i++) items[i] = {};
  for (const [name, { data, dims }] of Object.entries(packed.tensors)) {
    let offset = 0;
    for (let i = 0; i < packed.count; i++) {
      const itemDims = dims[i]!;
      const length = elementCount(itemDims);
      items[i]![name] = { data: data.subarray(offset, offset + length) as TensorData, dims: itemDims };
      offset += length;
    }
  }
  return items;
}

export function packedTransferables(packed: PackedItems): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const { data } of Object.values(packed.tensors)) {
    if (data.buffer instanceof ArrayBuffer && !buffers.includes(data.buffer)) buffers.push(data.buffer);
  }
  return buffers;
}
