import type { TensorSpec } from '../models/manifest-types.js';
import { elementCount, type Tensor, type TensorData } from './tensors.js';
import { isDynamicDim } from './validate-inputs.js';

/** Whether every input lets the runtime take several rows at once along the first dimension. */
export function canBatch(inputs: readonly TensorSpec[]): boolean {
  return inputs.length > 0 && inputs.every((s) => s.shape.length > 0 && isDynamicDim(s.shape[0]!));
}

/** Stacks validated per-item tensors along dimension 0. */
export function concatRows(items: readonly Record<string, Tensor>[]): {
  feeds: Record<string, Tensor>;
  rows: number[];
} {
  const first = items[0]!;
  const feeds: Record<string, Tensor> = {};
  const rows = items.map((item) => Object.values(item)[0]!.dims[0] ?? 1);
  for (const name of Object.keys(first)) {
    const parts = items.map((item) => item[name]!);
    const total = parts.reduce((n, t) => n + t.data.length, 0);
    const Ctor = first[name]!.data.constructor as new (length: number) => TensorData;
    const data = new Ctor(total);
    let offset = 0;
    for (const p of parts) {
      (data as Float32Array).set(p.data as Float32Array, offset);
      offset += p.data.length;
    }
    const dims = [...first[name]!.dims];
    dims[0] = parts.reduce((n, t) => n + (t.dims[0] ?? 1), 0);
    feeds[name] = { data, dims };
  }
  return { feeds, rows };
}

/** Splits batched outputs back into one result per item, by each item's row count: views, not copies. */
export function splitRows(
  outputs: Record<string, Tensor>,
  rows: readonly number[],
): Record<string, Tensor>[] {
  const results: Record<string, Tensor>[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    const perRow = t.dims.length > 0 ? elementCount(t.dims.slice(1)) : 1;
    let start = 0;
    rows.forEach((count, i) => {
      const end = start + count * perRow;
      results[i]![name] = {
        data: t.data.subarray(start, end) as TensorData,
        dims: [count, ...t.dims.slice(1)],
      };
      start = end;
    });
  }
  return results;
}
