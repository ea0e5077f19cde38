import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CachedModel, cacheKey, ModelCache } from '../../src/models/model-cache.js';
import { idbStorage } from '../../src/models/storage.js';
import { withByteBudget } from './helpers/quota-storage.js';

let dbCount = 0;
const freshStorage = () => idbStorage(`model-cache-test-${++dbCount}`);

function entry(version: string, bytes: number, lastUsedAt: number): CachedModel {
  const sha256 = version.padEnd(64, '0');
  return {
    key: cacheKey('iris', version, sha256),
    name: 'iris',
    version,
    variantId: 'base',
    sha256,
    bytes,
    format: 'onnx',
    quantization: 'fp32',
    url: `http://x/iris/${version}.onnx`,
    storedAt: lastUsedAt,
    lastUsedAt,
  };
}

const noLog = () => {};

/** Stores an entry as one chunk per file, then lists it: what a finished download does. */
async function write(
  cache: ModelCache,
  e: CachedModel,
  bytes: Uint8Array,
  protect: ReadonlySet<string>,
  onEvicted: (entry: CachedModel) => void,
): Promise<void> {
  await cache.putChunk(e.key, 0, 0, bytes, { protect, onEvicted, bytes: e.bytes });
  await cache.commit({ ...e, files: [{ url: e.url, sha256: e.sha256, bytes: e.bytes, chunks: 1 }] });
}

async function read(cache: ModelCache, key: string) {
  const info = await cache.info(key);
  if (!info) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const { data } of cache.chunks(info)) chunks.push(data);
  return { info, bytes: Buffer.concat(chunks) };
}

describe('ModelCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stores bytes and metadata apart, keyed name@version#sha256, and reads them back', async () => {
    const cache = new ModelCache(freshStorage(), noLog);
    const e = entry('1.0.0', 3, 1);
    await write(cache, e, new Uint8Array([1, 2, 3]), new Set(), noLog);
    expect(e.key).toBe(`iris@1.0.0#${'1.0.0'.padEnd(64, '0')}`);
    const hit = await read(cache, e.key);
    expect(hit?.info).toMatchObject(e);
    expect([...(hit?.bytes ?? [])]).toEqual([1, 2, 3]);
    expect(await cache.list()).toMatchObject([e]);
    await cache.remove(e.key);
    expect(await read(cache, e.key)).toBeUndefined();
  });

  it('records use for LRU with touch', async () => {
    const cache = new ModelCache(freshStorage(), noLog);
    const e = entry('1.0.0', 1, 1);
    await write(cache, e, new Uint8Array(1), new Set(), noLog);
    vi.spyOn(Date, 'now').mockReturnValue(5000);
    await cache.touch(e);
    expect((await cache.list())[0]?.lastUsedAt).toBe(5000);
  });

  it('drops an entry whose bytes are gone, with INTEGRITY for the reader', async () => {
    const storage = freshStorage();
    const cache = new ModelCache(storage, noLog);
    const e = entry('1.0.0', 1, 1);
    await write(cache, e, new Uint8Array(1), new Set(), noLog);
    await storage.del(`chunk:${e.key}/0/0`);
    await expect(read(cache, e.key)).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(await cache.list()).toEqual([]);
  });

  it('reads entries written before chunked storage (one bytes record)', async () => {
    const storage = freshStorage();
    const cache = new ModelCache(storage, noLog);
    const e = entry('1.0.0', 3, 1);
    await storage.set(`bytes:${e.key}`, new Uint8Array([7, 8, 9]));
    await storage.set(`meta:${e.key}`, e);
    expect([...((await read(cache, e.key))?.bytes ?? [])]).toEqual([7, 8, 9]);
    await cache.remove(e.key);
    expect(await storage.keys()).toEqual([]);
  });

  it('counts an abandoned partial download as evictable, by its stored bytes and age', async () => {
    const cache = new ModelCache(freshStorage(), noLog);
    const done = entry('1.0.0', 100, 50);
    await write(cache, done, new Uint8Array(100), new Set(), noLog);
    const key = cacheKey('big', '1.0.0', 'b'.repeat(64));
    await cache.putChunk(key, 0, 0, new Uint8Array(64), {
      protect: new Set(),
      onEvicted: noLog,
      bytes: 1000,
    });
    await cache.writePartial({
      key,
      model: {
        name: 'big',
        version: '1.0.0',
        variantId: 'base',
        format: 'onnx',
        quantization: 'fp32',
        bytes: 1000,
      },
      file: 0,
      url: 'http://x/big.onnx',
      sha256: 'b'.repeat(64),
      bytes: 1000,
      chunkBytes: 64,
      stored: 64,
      hash: { h: [0, 0, 0, 0, 0, 0, 0, 0], length: 64 },
      updatedAt: 10,
    });
    const evictable = await cache.evictable('other', new Set());
    expect(evictable.map((e) => [e.key, e.bytes])).toEqual([
      [key, 64],
      [done.key, 100],
    ]);
    expect((await cache.holdings()).incomplete).toMatchObject([{ key, bytes: 64, total: 1000 }]);
    await cache.remove(key);
    expect(await cache.partials()).toEqual([]);
    expect(await cache.evictable('other', new Set())).toHaveLength(1);
  });

  it('on QuotaExceededError evicts least recently used entries until the write fits', async () => {
    const storage = await withByteBudget(freshStorage(), 300);
    const cache = new ModelCache(storage, noLog);
    const [a, b, c] = [entry('1.0.0', 100, 30), entry('1.1.0', 100, 10), entry('1.2.0', 100, 20)];
    for (const e of [a, b, c]) await write(cache, e!, new Uint8Array(100), new Set(), noLog);
    const evicted: string[] = [];
    await write(cache, entry('2.0.0', 150, 40), new Uint8Array(150), new Set(), (v) =>
      evicted.push(v.version),
    );
    // 1.1.0 (used at 10) then 1.2.0 (20) go; 1.0.0 (30) stays since 100 + 150 fits in 300.
    expect(evicted).toEqual(['1.1.0', '1.2.0']);
    expect((await cache.list()).map((e) => e.version).sort()).toEqual(['1.0.0', '2.0.0']);
    expect(storage.refusals).toBe(2);
  });

  it('never evicts an entry in use, and says QUOTA when only those are left', async () => {
    const storage = await withByteBudget(freshStorage(), 250);
    const cache = new ModelCache(storage, noLog);
    const old = entry('1.0.0', 200, 1);
    await write(cache, old, new Uint8Array(200), new Set(), noLog);
    const next = entry('2.0.0', 100, 2);
    await expect(write(cache, next, new Uint8Array(100), new Set([old.key]), noLog)).rejects.toMatchObject({
      code: 'QUOTA',
      message: expect.stringContaining('not in use'),
    });
    expect((await cache.list()).map((e) => e.version)).toEqual(['1.0.0']);
    expect(await cache.info(next.key)).toBeUndefined();
  });

  it('passes on storage errors other than quota without evicting anything', async () => {
    const inner = freshStorage();
    const cache = new ModelCache(
      { ...inner, set: () => Promise.reject(new DOMException('closing', 'InvalidStateError')) },
      noLog,
    );
    await expect(
      write(cache, entry('1.0.0', 1, 1), new Uint8Array(1), new Set(), noLog),
    ).rejects.toMatchObject({
      name: 'InvalidStateError',
    });
  });

  it('keeps the last good manifest per URL, and clear() removes models and manifests', async () => {
    const storage = freshStorage();
    const cache = new ModelCache(storage, noLog);
    const manifest = { schemaVersion: 1 as const, generatedAt: 'x', models: {} };
    await cache.writeManifest('http://a/m.json', manifest);
    expect((await cache.readManifest('http://a/m.json'))?.manifest).toEqual(manifest);
    expect(await cache.readManifest('http://b/m.json')).toBeUndefined();
    await write(cache, entry('1.0.0', 1, 1), new Uint8Array(1), new Set(), noLog);
    await storage.set('unrelated', 1);
    await cache.clear();
    expect(await storage.keys()).toEqual(['unrelated']);
  });
});
