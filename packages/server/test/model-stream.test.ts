import { describe, expect, it } from 'vitest';
import { MODEL_CHUNK_BYTES } from '../src/storage/model-chunks.js';
import type { ModelVersionRecord } from '../src/storage/records.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

const collect = async (parts: AsyncIterable<Uint8Array>) => {
  const out: Buffer[] = [];
  for await (const p of parts) out.push(Buffer.from(p));
  return Buffer.concat(out);
};

describe('chunked model files', () => {
  it('reads any byte range across chunk boundaries, a chunk at a time', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const size = MODEL_CHUNK_BYTES * 2 + 123;
    const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31) % 251);
    await store.registry.publish(
      { name: 'm', version: '1', bytes: size, status: 'candidate' } as ModelVersionRecord,
      bytes,
    );
    expect(Buffer.from((await store.registry.bytes('m', '1')) as Uint8Array).equals(Buffer.from(bytes))).toBe(
      true,
    );
    for (const [start, end] of [
      [0, 0],
      [MODEL_CHUNK_BYTES - 2, MODEL_CHUNK_BYTES + 2],
      [5, size - 1],
      [size - 10, size - 1],
    ] as const) {
      const parts: number[] = [];
      for await (const p of store.registry.readRange('m', '1', start, end)) {
        expect(p.byteLength).toBeLessThanOrEqual(MODEL_CHUNK_BYTES);
        parts.push(p.byteLength);
      }
      const got = await collect(store.registry.readRange('m', '1', start, end));
      expect(got.equals(Buffer.from(bytes.subarray(start, end + 1)))).toBe(true);
    }
    await store.close();
  });
});
