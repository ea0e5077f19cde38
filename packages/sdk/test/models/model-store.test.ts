import 'fake-indexeddb/auto';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { publicKeyBase64, signManifest } from '../../scripts/sign-manifest.js';
import type { ModelManifest } from '../../src/models/manifest-types.js';
import { ModelStore } from '../../src/models/model-store.js';
import type { Progress } from '../../src/models/progress.js';
import { sha256Hex } from '../../src/models/sha256.js';
import { idbStorage, type ModelStorage } from '../../src/models/storage.js';
import type { ModelStoreOptions } from '../../src/models/store-types.js';
import { modelsRoot, realManifest, twoVersionManifest } from './helpers/manifests.js';
import { type ModelServer, startModelServer } from './helpers/model-server.js';
import { withByteBudget } from './helpers/quota-storage.js';

const v1 = realManifest().models.iris?.versions['1.0.0'];
const v2 = twoVersionManifest().models.iris?.versions['2.0.0'];
if (!v1 || !v2) throw new Error('test manifest lacks iris 1.0.0 / 2.0.0');
const v2Path = `/models/${v2.url}`;

let server: ModelServer;
let storage: ModelStorage;
let dbCount = 0;

function serveManifest(manifest: ModelManifest): void {
  server.files.set('/models/test-manifest.json', {
    body: new TextEncoder().encode(JSON.stringify(manifest)),
  });
}

function store(options: Partial<ModelStoreOptions> = {}): ModelStore {
  return new ModelStore({
    manifestUrl: `${server.url}/models/test-manifest.json`,
    storage,
    retries: 1,
    retryDelayMs: 1,
    ...options,
  });
}

function modelRequests(): string[] {
  return server.requests.filter((r) => /\.(onnx|tflite)/.test(r));
}

/** Each event's `loaded` goes up within its phase and the phase's last event is at its total. */
function expectMonotonic(seen: Progress[]): void {
  for (const phase of ['download', 'verify'] as const) {
    const events = seen.filter((p) => p.phase === phase);
    for (let i = 1; i < events.length; i++) expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
    if (events.length) expect(events.at(-1)!.loaded).toBe(events.at(-1)!.total);
  }
}

async function flipCachedByte(key: string): Promise<void> {
  // The model file's first chunk: the models here are smaller than one chunk.
  const bytes = (await storage.get(`chunk:${key}/0/0`)) as Uint8Array;
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  await storage.set(`chunk:${key}/0/0`, bytes);
}

function flippedFile(path: string): Uint8Array {
  const bytes = new Uint8Array(readFileSync(`${modelsRoot}${path.slice('/models/'.length)}`));
  bytes[100]! ^= 0x01;
  return bytes;
}

beforeAll(async () => {
  server = await startModelServer(modelsRoot);
});
afterAll(() => server.close());
beforeEach(() => {
  server.files.clear();
  server.requests.length = 0;
  storage = idbStorage(`model-store-test-${++dbCount}`);
  serveManifest(twoVersionManifest('1.0.0'));
});

describe('ModelStore: first and second load', () => {
  it('downloads, verifies and caches; a second store (a reload) makes no request for the model', async () => {
    const seen: Progress[] = [];
    const first = await store().fetchModel('iris', { onProgress: (p) => seen.push(p) });
    expect(first).toMatchObject({ version: '1.0.0', variantId: 'base', source: 'network', cached: true });
    expect(await sha256Hex(first.bytes)).toBe(v1.sha256);
    // Hashed as it streams into storage: the check is the download's last step, not a phase.
    expect(new Set(seen.map((p) => p.phase))).toEqual(new Set(['download']));
    expect(seen.at(-1)).toMatchObject({ loaded: v1.bytes, total: v1.bytes, phase: 'download' });
    expectMonotonic(seen);

    server.requests.length = 0;
    const again: Progress[] = [];
    const second = await store().fetchModel('iris', { onProgress: (p) => again.push(p) });
    expect(second).toMatchObject({ version: '1.0.0', source: 'cache', manifestSource: 'network' });
    expect(await sha256Hex(second.bytes)).toBe(v1.sha256);
    expect(modelRequests()).toEqual([]);
    expect(again.every((p) => p.phase === 'verify')).toBe(true);
    expectMonotonic(again);
  });

  it('downloads the variant that suits the backend, and caches it under its own sha256', async () => {
    serveManifest(realManifest());
    const wasm = await store().fetchModel('iris', { backend: 'wasm' });
    expect(wasm.variantId).toBe('int8');
    expect(modelRequests()).toEqual([`GET /models/${v1.variants?.int8?.url}`]);
    const gpu = await store().fetchModel('iris', { backend: 'webgpu' });
    expect(gpu.variantId).toBe('int4');
    expect(await sha256Hex(gpu.bytes)).toBe(v1.variants?.int4?.sha256);
    expect((await store().cache.list()).map((e) => e.variantId).sort()).toEqual(['int4', 'int8']);
  });

  it('resolves without downloading, to an absolute URL', async () => {
    serveManifest(realManifest());
    const r = await store().resolve('iris', { backend: 'wasm', format: 'tflite' });
    expect(r).toMatchObject({ version: '1.0.0', variantId: 'tflite-int8' });
    expect(r.url).toBe(`${server.url}/models/${v1.variants?.['tflite-int8']?.url}`);
    expect(modelRequests()).toEqual([]);
  });
});

describe('ModelStore: integrity', () => {
  it('drops a cache entry with a flipped byte and fetches the file again', async () => {
    const first = await store().fetchModel('iris');
    await flipCachedByte(first.cacheKey);
    const s = store();
    const failures: string[] = [];
    s.on('integrity-failed', (e) => failures.push(`${e.source} ${e.version}`));
    const again = await s.fetchModel('iris');
    expect(again.source).toBe('network');
    expect(await sha256Hex(again.bytes)).toBe(v1.sha256);
    expect(failures).toEqual(['cache 1.0.0']);
  });

  it('never returns a new version with a flipped byte; rolls back to the cached previous version', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    server.files.set(v2Path, { body: flippedFile(v2Path) });
    const s = store();
    const events: string[] = [];
    s.on('integrity-failed', (e) => events.push(`integrity-failed ${e.source} ${e.version}`));
    s.on('rollback', (e) => events.push(`rollback ${e.from}->${e.to} ${e.reason} ${e.error?.code}`));
    const model = await s.fetchModel('iris');
    expect(model).toMatchObject({ version: '1.0.0', rolledBackFrom: '2.0.0', source: 'cache' });
    expect(await sha256Hex(model.bytes)).toBe(v1.sha256);
    expect(events).toEqual(['integrity-failed network 2.0.0', 'rollback 2.0.0->1.0.0 integrity INTEGRITY']);
    expect((await s.cache.list()).map((e) => e.version)).toEqual(['1.0.0']);
  });

  it('throws INTEGRITY for a flipped byte when no previous version is cached', async () => {
    serveManifest(twoVersionManifest('2.0.0'));
    server.files.set(v2Path, { body: flippedFile(v2Path) });
    await expect(store().fetchModel('iris')).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringMatching(/sha256 .* but the manifest says .*No earlier good version/s),
    });
    expect(await store().cache.list()).toEqual([]);
  });

  it('throws INTEGRITY, without rolling back, when rollback is off', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    server.files.set(v2Path, { body: flippedFile(v2Path) });
    await expect(store().fetchModel('iris', { rollback: false })).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
  });
});

describe('ModelStore: a version asked for by number is never replaced', () => {
  it('throws INTEGRITY for a tampered explicit version, though an earlier one is cached', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    server.files.set(v2Path, { body: flippedFile(v2Path) });
    const s = store();
    const rollbacks: string[] = [];
    s.on('rollback', (e) => rollbacks.push(`${e.from}->${e.to}`));
    await expect(s.fetchModel('iris', { version: '2.0.0' })).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(rollbacks).toEqual([]);
    // By channel, the same failure may roll back: the channel named no particular version.
    await expect(s.fetchModel('iris', { channel: 'stable' })).resolves.toMatchObject({ version: '1.0.0' });
  });

  it('refuses a retired explicit version with VERSION_NOT_FOUND, saying why', async () => {
    const manifest = twoVersionManifest('2.0.0');
    manifest.models.iris!.versions['2.0.0']!.status = 'retired';
    serveManifest(manifest);
    const error = { code: 'VERSION_NOT_FOUND', message: expect.stringMatching(/never replaced/) };
    await expect(store().fetchModel('iris', { version: '2.0.0' })).rejects.toMatchObject(error);
    await expect(store().resolve('iris', { version: '2.0.0' })).rejects.toMatchObject(error);
    expect(modelRequests()).toEqual([]);
  });
});

describe('ModelStore: rollback', () => {
  it('falls back from a retired version to the previous good one, downloading it if needed', async () => {
    const manifest = twoVersionManifest('2.0.0');
    manifest.models.iris!.versions['2.0.0']!.status = 'retired';
    serveManifest(manifest);
    const s = store();
    const rollbacks: string[] = [];
    s.on('rollback', (e) => rollbacks.push(`${e.from}->${e.to} ${e.reason}`));
    const model = await s.fetchModel('iris');
    expect(model).toMatchObject({ version: '1.0.0', rolledBackFrom: '2.0.0', source: 'network' });
    expect(rollbacks).toEqual(['2.0.0->1.0.0 retired']);
    expect(modelRequests()).toEqual([`GET /models/${v1.url}`]);
    await expect(store().fetchModel('iris', { rollback: false })).rejects.toMatchObject({
      code: 'VERSION_NOT_FOUND',
    });
  });

  it('resolves a retired version to the one a load would use', async () => {
    const manifest = twoVersionManifest('2.0.0');
    manifest.models.iris!.versions['2.0.0']!.status = 'retired';
    serveManifest(manifest);
    expect(await store().resolve('iris')).toMatchObject({ version: '1.0.0', rolledBackFrom: '2.0.0' });
  });

  it('says VERSION_NOT_FOUND when a retired version has no good predecessor', async () => {
    const manifest = twoVersionManifest('1.0.0');
    manifest.models.iris!.versions['1.0.0']!.status = 'retired';
    serveManifest(manifest);
    await expect(store().fetchModel('iris')).rejects.toMatchObject({
      code: 'VERSION_NOT_FOUND',
      message: expect.stringContaining('retired'),
    });
  });

  it('falls back to the cached previous version when the new one cannot be downloaded', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    server.files.set(v2Path, { body: new Uint8Array(0), failWith: { status: 503, times: 99 } });
    const model = await store().fetchModel('iris');
    expect(model).toMatchObject({ version: '1.0.0', rolledBackFrom: '2.0.0', source: 'cache' });
  });

  it('does not roll back an aborted load', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    const s = store();
    await s.manifest();
    await expect(s.fetchModel('iris', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});

describe('ModelStore: offline start', () => {
  it('uses the last good manifest and the cached model when the manifest cannot be fetched', async () => {
    await store().fetchModel('iris');
    server.requests.length = 0;
    const offline = store({ manifestUrl: `${server.url}/models/gone.json` });
    // The saved manifest is per URL, so save one for this URL first, then make it unreachable.
    server.files.set('/models/gone.json', {
      body: new TextEncoder().encode(JSON.stringify(twoVersionManifest('1.0.0'))),
    });
    await store({ manifestUrl: `${server.url}/models/gone.json` }).manifest();
    server.files.delete('/models/gone.json');
    const notes: number[] = [];
    offline.on('manifest-offline', (e) => notes.push(e.savedAt));
    const model = await offline.fetchModel('iris');
    expect(model).toMatchObject({ version: '1.0.0', source: 'cache', manifestSource: 'cache' });
    expect(notes).toHaveLength(1);
    expect(modelRequests()).toEqual([]);
  });

  it('falls back to the saved manifest after one failed attempt, but retries when none is saved', async () => {
    const manifestPath = '/models/test-manifest.json';
    const body = new TextEncoder().encode(JSON.stringify(twoVersionManifest('1.0.0')));
    server.files.set(manifestPath, { body, failWith: { status: 503, times: 1 } });
    const fresh = await store({ retries: 2 }).manifest();
    expect(fresh.source).toBe('network');
    expect(server.requests.filter((r) => r.includes(manifestPath))).toHaveLength(2);
    server.requests.length = 0;
    server.files.set(manifestPath, { body, failWith: { status: 503, times: 1 } });
    const saved = await store({ retries: 2 }).manifest();
    expect(saved.source).toBe('cache');
    expect(server.requests.filter((r) => r.includes(manifestPath))).toHaveLength(1);
  });

  it('works with the server down entirely', async () => {
    const local = await startModelServer(modelsRoot);
    local.files.set('/models/m.json', { body: new TextEncoder().encode(JSON.stringify(realManifest())) });
    const manifestUrl = `${local.url}/models/m.json`;
    const online = await new ModelStore({ manifestUrl, storage }).fetchModel('mnist');
    await local.close();
    const offline = await new ModelStore({ manifestUrl, storage, retryDelayMs: 1 }).fetchModel('mnist');
    expect(offline).toMatchObject({ source: 'cache', manifestSource: 'cache', version: online.version });
    expect(await sha256Hex(offline.bytes)).toBe(online.artifact.sha256);
  });

  it('says NETWORK, and what to do, when offline on the very first visit', async () => {
    await expect(
      store({ manifestUrl: `${server.url}/models/never.json` }).fetchModel('iris'),
    ).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('go online once'),
    });
  });
});

describe('ModelStore: signed manifests', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = publicKeyBase64(privateKey);

  it('loads a model from a manifest signed with the configured key', async () => {
    serveManifest(signManifest(twoVersionManifest('1.0.0'), privateKey));
    expect((await store({ publicKey }).fetchModel('iris')).version).toBe('1.0.0');
  });

  it('refuses an unsigned manifest with INTEGRITY, and emits integrity-failed', async () => {
    const s = store({ publicKey });
    const sources: string[] = [];
    s.on('integrity-failed', (e) => sources.push(e.source));
    await expect(s.fetchModel('iris')).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(sources).toEqual(['manifest']);
    expect(modelRequests()).toEqual([]);
  });

  it('refuses a signed manifest whose sha256 was changed, and never falls back to the saved one', async () => {
    serveManifest(signManifest(twoVersionManifest('1.0.0'), privateKey));
    await store({ publicKey }).fetchModel('iris');
    const tampered = signManifest(twoVersionManifest('1.0.0'), privateKey);
    tampered.models.iris!.versions['1.0.0']!.url = v2.url;
    serveManifest(tampered);
    await expect(store({ publicKey }).fetchModel('iris')).rejects.toMatchObject({ code: 'INTEGRITY' });
  });

  it('re-verifies the saved manifest offline: one saved unsigned is refused once a key is configured', async () => {
    await store().fetchModel('iris');
    server.files.delete('/models/test-manifest.json');
    await expect(store({ publicKey }).fetchModel('iris')).rejects.toMatchObject({ code: 'INTEGRITY' });
  });
});

describe('ModelStore: storage pressure', () => {
  it('evicts the least recently used version on QuotaExceededError and the load succeeds', async () => {
    await store().fetchModel('iris');
    serveManifest(twoVersionManifest('2.0.0'));
    const budgeted = await withByteBudget(storage, v2.bytes + 100);
    const s = store({ storage: budgeted });
    const evicted: string[] = [];
    s.on('evicted', (e) => evicted.push(`${e.entry.version} for ${e.for.split('#')[0]}`));
    const model = await s.fetchModel('iris');
    expect(model).toMatchObject({ version: '2.0.0', source: 'network', cached: true });
    expect(evicted).toEqual(['1.0.0 for iris@2.0.0']);
    expect(budgeted.refusals).toBe(1);
    expect((await s.cache.list()).map((e) => e.version)).toEqual(['2.0.0']);
  });

  it('never evicts the model in use: the new one is used uncached instead, until release()', async () => {
    const mnistInt4 = realManifest().models.mnist?.versions['1.0.0']?.variants?.int4;
    const budgeted = await withByteBudget(storage, (mnistInt4?.bytes ?? 0) + 100);
    const s = store({ storage: budgeted });
    const inUse = await s.fetchModel('iris');
    const mnist = await s.fetchModel('mnist', { variant: 'int4' });
    expect(mnist).toMatchObject({ source: 'network', cached: false });
    expect((await s.cache.list()).map((e) => e.name)).toEqual(['iris']);
    await expect(s.cache.prefetch('mnist', { variant: 'int4' })).rejects.toMatchObject({ code: 'QUOTA' });
    s.release(inUse.cacheKey);
    await expect(s.cache.prefetch('mnist', { variant: 'int4' })).resolves.toMatchObject({ name: 'mnist' });
    expect((await s.cache.list()).map((e) => e.name)).toEqual(['mnist']);
  });
});

describe('ModelStore: cache API', () => {
  it('lists, sizes, prefetches, deletes and clears cached versions', async () => {
    const s = store();
    const seen: Progress[] = [];
    const prefetched = await s.cache.prefetch('iris', { version: '2.0.0', onProgress: (p) => seen.push(p) });
    expect(prefetched).toMatchObject({ name: 'iris', version: '2.0.0', sha256: v2.sha256, bytes: v2.bytes });
    expectMonotonic(seen);
    await s.fetchModel('iris', { version: '1.0.0' });
    await s.fetchModel('mnist', { variant: 'int8' });
    expect(await s.cache.size()).toBe(
      v1.bytes + v2.bytes + (realManifest().models.mnist?.versions['1.0.0']?.variants?.int8?.bytes ?? 0),
    );
    expect(await s.cache.delete('iris', '2.0.0')).toBe(1);
    expect((await s.cache.list()).map((e) => `${e.name}@${e.version}`).sort()).toEqual([
      'iris@1.0.0',
      'mnist@1.0.0',
    ]);
    expect(await s.cache.delete('iris')).toBe(1);
    await s.cache.clear();
    expect(await s.cache.list()).toEqual([]);
    expect(await s.cache.size()).toBe(0);
  });

  it("stops only the aborted caller's wait for a shared manifest load", async () => {
    const s = store();
    const controller = new AbortController();
    const aborted = s.fetchModel('iris', { signal: controller.signal });
    const other = s.fetchModel('iris', { version: '1.0.0' });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(other).resolves.toMatchObject({ version: '1.0.0' });
  });

  it('asks for persistent storage once when the app opts in', async () => {
    let asked = 0;
    vi.stubGlobal('navigator', { storage: { persist: async () => ++asked > 0 } });
    try {
      const s = store({ persist: true });
      await s.fetchModel('iris');
      await s.fetchModel('iris');
      expect(await s.cache.persist()).toBe(true);
      expect(asked).toBe(1);
      await store().fetchModel('iris');
      expect(asked).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses a relative manifestUrl outside a page (CONFIG) and reports a missing model', async () => {
    expect(() => new ModelStore({ manifestUrl: '/models/manifest.json' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    await expect(store().fetchModel('cifar')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});
