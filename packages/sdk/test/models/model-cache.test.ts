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

describe('ModelCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stores bytes and metadata apart, keyed name@version#sha256, and reads them back', async () => {
    const cache = new ModelCache(freshStorage(), noLog);
    const e = entry('1.0.0', 3, 1);
    await cache.write(e, new Uint8Array([1, 2, 3]), new Set(), noLog);
    expect(e.key).toBe(`iris@1.0.0#${'1.0.0'.padEnd(64, '0')}`);
    const hit = await cache.read(e.key);
    expect(hit?.info).toEqual(e);
    expect([...(hit?.bytes ?? [])]).toEqual([1, 2, 3]);
    expect(await cache.list()).toEqual([e]);
    await cache.remove(e.key);
    expect(await cache.read(e.key)).toBeUndefined();
  });

  it('records use for LRU with touch', async () => {
    const cache = new ModelCache(freshStorage(), noLog);
    const e = entry('1.0.0', 1, 1);
    await cache.write(e, new Uint8Array(1), new Set(), noLog);
    vi.spyOn(Date, 'now').mockReturnValue(5000);
    await cache.touch(e);
    expect((await cache.list())[0]?.lastUsedAt).toBe(5000);
  });

  it('drops an entry whose bytes are gone', async () => {
    const storage = freshStorage();
    const cache = new ModelCache(storage, noLog);
    const e = entry('1.0.0', 1, 1);
    await cache.write(e, new Uint8Array(1), new Set(), noLog);
    await storage.del(`bytes:${e.key}`);
    expect(await cache.read(e.key)).toBeUndefined();
    expect(await cache.list()).toEqual([]);
  });

  it('on QuotaExceededError evicts least recently used entries until the write fits', async () => {
    const storage = await withByteBudget(freshStorage(), 300);
    const cache = new ModelCache(storage, noLog);
    const [a, b, c] = [entry('1.0.0', 100, 30), entry('1.1.0', 100, 10), entry('1.2.0', 100, 20)];
    for (const e of [a, b, c]) await cache.write(e!, new Uint8Array(100), new Set(), noLog);
    const evicted: string[] = [];
    await cache.write(entry('2.0.0', 150, 40), new Uint8Array(150), new Set(), (v) =>
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
    await cache.write(old, new Uint8Array(200), new Set(), noLog);
    const next = entry('2.0.0', 100, 2);
    await expect(cache.write(next, new Uint8Array(100), new Set([old.key]), noLog)).rejects.toMatchObject({
      code: 'QUOTA',
      message: expect.stringContaining('not in use'),
    });
    expect((await cache.list()).map((e) => e.version)).toEqual(['1.0.0']);
    expect(await cache.read(next.key)).toBeUndefined();
  });

  it('passes on storage errors other than quota without evicting anything', async () => {
    const inner = freshStorage();
    const cache = new ModelCache(
      { ...inner, set: () => Promise.reject(new DOMException('closing', 'InvalidStateError')) },
      noLog,
    );
    await expect(
      cache.write(entry('1.0.0', 1, 1), new Uint8Array(1), new Set(), noLog),
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
    await cache.write(entry('1.0.0', 1, 1), new Uint8Array(1), new Set(), noLog);
    await storage.set('unrelated', 1);
    await cache.clear();
    expect(await storage.keys()).toEqual(['unrelated']);
  });
});
