import { describe, expect, it } from 'vitest';
import { packedTransferables, packItems, unpackItems } from '../../src/inference/packed-items.js';
import type { Tensor } from '../../src/inference/tensors.js';

const frame = (i: number): Record<string, Tensor> => ({
  input: { data: Float32Array.from({ length: 4 + i }, (_, k) => i * 10 + k), dims: [1, 4 + i] },
  sr: { data: BigInt64Array.from([BigInt(16000 + i)]), dims: [] },
});

describe('packed items', () => {
  it('round-trips items of different sizes, scalars and int64 included', () => {
    const items = [0, 1, 2].map(frame);
    const packed = packItems(items);
    expect(packed.count).toBe(3);
    expect(packed.tensors.input!.data.length).toBe(4 + 5 + 6);
    expect(unpackItems(packed)).toEqual(items);
  });

  it("copies into one buffer per name: the items' own buffers stay intact and apart", () => {
    const items = [0, 1].map(frame);
    const packed = packItems(items);
    (packed.tensors.input!.data as Float32Array).fill(-1);
    expect(items[1]!.input!.data[0]).toBe(10);
    expect(packedTransferables(packed)).toHaveLength(2);
  });

  it('unpacks into views of the one buffer, not copies', () => {
    const [a, b] = unpackItems(packItems([0, 1].map(frame)));
    expect(a!.input!.data.buffer).toBe(b!.input!.data.buffer);
    expect(Array.from(b!.input!.data as Float32Array)).toEqual([10, 11, 12, 13, 14]);
  });

  it('packs nothing from no items', () => {
    expect(unpackItems(packItems([]))).toEqual([]);
  });

  it('refuses items that lack a tensor the first one has', () => {
    expect(() => packItems([frame(0), { input: frame(1).input! }])).toThrow(/item 1 .* no tensor "sr"/);
  });
});
