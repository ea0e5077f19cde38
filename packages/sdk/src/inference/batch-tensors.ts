import type { TensorSpec } from '../models/manifest-types.js';
import { packItems } from './packed-items.js';
import { elementCount, type Tensor, type TensorData } from './tensors.js';
import { isDynamicDim } from './validate-inputs.js';

/** Whether every input lets the runtime take several rows at once along the first dimension. */
export function canBatch(inputs: readonly TensorSpec[]): boolean {
  return inputs.length > 0 && inputs.every((s) => s.shape.length > 0 && isDynamicDim(s.shape[0]!));
}

/** Stacks validated per-item tensors along dimension 0: the items packed end to end, rows summed. */
export function concatRows(items: readonly Record<string, Tensor>[]): {
  feeds: Record<string, Tensor>;
  rows: number[];
} {
  const rows = items.map((item) => Object.values(item)[0]!.dims[0] ?? 1);
  const feeds: Record<string, Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(packItems(items).tensors)) {
    const stacked = [...dims[0]!];
    stacked[0] = dims.reduce((n, d) => n + (d[0] ?? 1), 0);
    feeds[name] = { data, dims: stacked };
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
