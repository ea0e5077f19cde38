import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectContent } from '../../src/inference/model-content.js';
import type { ModelManifest } from '../../src/models/manifest-types.js';
import { ModelStore } from '../../src/models/model-store.js';
import type { Progress } from '../../src/models/progress.js';
import type { StorageEstimate } from '../../src/models/quota.js';
import { idbStorage, type ModelStorage } from '../../src/models/storage.js';
import type { ModelStoreOptions } from '../../src/models/store-types.js';
import { modelsRoot } from './helpers/manifests.js';
import { type ModelServer, startModelServer } from './helpers/model-server.js';

// Files of a made-up ONNX model with two external data shards; the store never parses them, it
// only moves, checks and stores them, so random bytes show every byte's path exactly.
const CHUNK = 64 * 1024;
const random = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};
const files = {
  '/big/model.onnx': random(10_000, 1),
  '/big/model.onnx.data0': random(300_000, 2),
  '/big/model.onnx.data1': random(200_000, 3),
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const total = Object.values(files).reduce((s, b) => s + b.byteLength, 0);

function manifest(version = '1.0.0'): ModelManifest {
  const shard = (name: keyof typeof files) => ({
    path: name.slice('/big/'.length),
    url: name.slice('/big/'.length),
    sha256: sha(files[name]),
    bytes: files[name].byteLength,
  });
  return {
    schemaVersion: 1,
    generatedAt: '2026-12-03T00:00:00.000Z',
    models: {
      big: {
        channels: { stable: version },
        versions: {
          [version]: {
            url: 'model.onnx',
            format: 'onnx',
            sha256: sha(files['/big/model.onnx']),
            bytes: files['/big/model.onnx'].byteLength,
            quantization: 'fp32',
            externalData: [shard('/big/model.onnx.data0'), shard('/big/model.onnx.data1')],
            inputs: [],
            outputs: [],
            createdAt: '2026-12-03T00:00:00.000Z',
            status: 'approved',
          },
        },
      },
    },
  };
}

let server: ModelServer;
let storage: ModelStorage;
let db = 0;

function store(options: Partial<ModelStoreOptions> = {}): ModelStore {
  return new ModelStore({
    manifestUrl: `${server.url}/big/manifest.json`,
    storage,
    retries: 0,
    retryDelayMs: 1,
    chunkBytes: CHUNK,
    estimate: async () => undefined,
    ...options,
  });
}

/** Serves a second, 50 kB model 'small' beside 'big', to be evicted for it. */
function serveSmallModelToo(): void {
  const small = new Uint8Array(50_000).fill(7);
  server.files.set('/big/small.onnx', { body: small });
  const both = manifest();
  both.models.small = {
    channels: { stable: '1.0.0' },
    versions: {
      '1.0.0': {
        url: 'small.onnx',
        format: 'onnx',
        sha256: sha(small),
        bytes: small.byteLength,
        quantization: 'fp32',
        inputs: [],
        outputs: [],
        createdAt: '2026-12-03T00:00:00.000Z',
        status: 'approved',
      },
    },
  };
  server.files.set('/big/manifest.json', { body: new TextEncoder().encode(JSON.stringify(both)) });
}

/** Body bytes the server sent for the model's files, from its request log and our file sizes. */
const modelRequests = () => server.requests.filter((r) => r.includes('/big/model'));

beforeAll(async () => {
  server = await startModelServer(modelsRoot);
});
afterAll(() => server.close());
beforeEach(() => {
  storage = idbStorage(`large-model-test-${++db}`);
  server.requests.length = 0;
  server.files.clear();
  server.files.set('/big/manifest.json', { body: new TextEncoder().encode(JSON.stringify(manifest())) });
  for (const [path, body] of Object.entries(files)) server.files.set(path, { body, ranges: true });
});

describe('ModelStore: external data', () => {
  it('downloads the model and each shard, checks each sha256, and returns them by location', async () => {
    const seen: Progress[] = [];
    const fetched = await store().fetchModel('big', { onProgress: (p) => seen.push(p) });
    expect(Buffer.from(fetched.bytes).equals(Buffer.from(files['/big/model.onnx']))).toBe(true);
    expect(fetched.externalData.map((d) => [d.path, sha(d.data)])).toEqual([
      ['model.onnx.data0', sha(files['/big/model.onnx.data0'])],
      ['model.onnx.data1', sha(files['/big/model.onnx.data1'])],
    ]);
    // One bar across all three files.
    expect(seen.filter((p) => p.phase === 'download').every((p) => p.total === total)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ phase: 'download', loaded: total });
    const cached = await store().fetchModel('big');
    expect(cached.source).toBe('cache');
    expect(cached.externalData).toHaveLength(2);
  });

  it('refuses a shard with one byte changed (INTEGRITY): nothing is returned, and only that shard is fetched again', async () => {
    const bad = files['/big/model.onnx.data1'].slice();
    bad[1234]! ^= 0x01;
    server.files.set('/big/model.onnx.data1', { body: bad, ranges: true });
    const s = store();
    const failures: string[] = [];
    s.on('integrity-failed', (e) => failures.push(`${e.source} ${e.url.split('/').at(-1)}`));
    await expect(s.fetchModel('big')).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringContaining('model.onnx.data1'),
    });
    expect(failures).toEqual(['network model.onnx.data1']);
    expect(await s.cache.list()).toEqual([]);
    // The files that passed their own check stay; the next load fetches only the bad one again.
    expect((await s.cache.usage()).models).toMatchObject([{ complete: false, bytes: 310_000 }]);
    server.files.set('/big/model.onnx.data1', { body: files['/big/model.onnx.data1'], ranges: true });
    server.requests.length = 0;
    const fixed = await store().fetchModel('big');
    expect(sha(fixed.externalData[1]!.data)).toBe(sha(files['/big/model.onnx.data1']));
    expect(modelRequests()).toEqual(['GET /big/model.onnx.data1']);
  });

  it('resumes in a new store (a reload) where the last one stopped, fetching only the missing bytes', async () => {
    server.files.set('/big/model.onnx.data0', {
      body: files['/big/model.onnx.data0'],
      ranges: true,
      breakAfter: 150_000,
    });
    await expect(store().fetchModel('big')).rejects.toMatchObject({ code: 'NETWORK' });
    const usage = await store().cache.usage();
    expect(usage.models).toMatchObject([{ name: 'big', complete: false, bytes: 10_000 + 2 * CHUNK, total }]);
    server.requests.length = 0;
    const fetched = await store().fetchModel('big');
    expect(sha(fetched.externalData[0]!.data)).toBe(sha(files['/big/model.onnx.data0']));
    expect(modelRequests()).toEqual([
      expect.stringMatching(new RegExp(`^GET /big/model.onnx.data0 bytes=${2 * CHUNK}- if-range=`)),
      'GET /big/model.onnx.data1',
    ]);
    expect((await store().cache.usage()).models).toMatchObject([{ complete: true, bytes: total, total }]);
  });
});

describe('ModelStore: a cached copy checked as it is read', () => {
  it('hands on only checked chunks: a chunk changed in storage makes it download again and go on', async () => {
    await store().fetchModel('big');
    // Flip a byte in the second chunk of the first shard, as failing storage would.
    const key = (await store().cache.list())[0]!.key;
    const chunk = (await storage.get(`chunk:${key}/1/1`)) as Uint8Array;
    chunk[7]! ^= 0x01;
    await storage.set(`chunk:${key}/1/1`, chunk);
    server.requests.length = 0;
    const s = store();
    const failures: string[] = [];
    s.on('integrity-failed', (e) => failures.push(`${e.source} ${e.url.split('/').at(-1)}`));
    const seen: Progress[] = [];
    const delivered = await s.fetchContent('big', { onProgress: (p) => seen.push(p) }, { checkAsRead: true });
    // Nothing was read yet: no request, no check.
    expect(modelRequests()).toEqual([]);
    expect(delivered.source).toBe('cache');
    const { model, externalData } = await collectContent(delivered.content);
    expect(sha(model)).toBe(sha(files['/big/model.onnx']));
    expect(externalData.map((d) => sha(d.data))).toEqual([
      sha(files['/big/model.onnx.data0']),
      sha(files['/big/model.onnx.data1']),
    ]);
    expect(failures).toEqual(['cache model.onnx.data0']);
    expect(modelRequests()).toHaveLength(3);
    expect(seen.some((p) => p.phase === 'download')).toBe(true);
    // The fresh copy is whole: read again, it is checked and needs no request.
    server.requests.length = 0;
    const again = await store().fetchContent('big', {}, { checkAsRead: true });
    expect(sha((await collectContent(again.content)).externalData[0]!.data)).toBe(
      sha(files['/big/model.onnx.data0']),
    );
    expect(modelRequests()).toEqual([]);
  });
});

describe('ModelStore: room before a download', () => {
  const estimateOf = (free: number) => async (): Promise<StorageEstimate> => {
    const used = (await store().cache.usage()).bytes;
    return { usage: used, quota: used + free };
  };

  it('says QUOTA, with the bytes needed, before downloading anything when the model cannot fit', async () => {
    const s = store({ estimate: async () => ({ usage: 0, quota: total - 1 }) });
    await expect(s.fetchModel('big')).rejects.toMatchObject({
      code: 'QUOTA',
      details: { needed: total, free: total - 1 },
      message: expect.stringContaining('nothing was downloaded'),
    });
    expect(modelRequests()).toEqual([]);
  });

  it('evicts the least recently used model not in use when that makes room, and only then', async () => {
    serveSmallModelToo();
    let free = Number.POSITIVE_INFINITY;
    const s = store({ estimate: () => estimateOf(free)() });
    const first = await s.fetchModel('small');
    s.release(first.cacheKey);
    free = total - 20_000;
    const evicted: string[] = [];
    s.on('evicted', (e) => evicted.push(e.entry.name));
    await s.fetchModel('big');
    expect(evicted).toEqual(['small']);
    expect((await s.cache.list()).map((e) => e.name)).toEqual(['big']);
  });

  it('holds the cache to maxBytes exactly, with no estimate at all: QUOTA before any byte, or an LRU eviction', async () => {
    serveSmallModelToo();
    const tight = store({ maxBytes: total - 1 });
    await expect(tight.fetchModel('big')).rejects.toMatchObject({
      code: 'QUOTA',
      details: { needed: total, limit: 'maxBytes' },
      message: expect.stringContaining('maxBytes'),
    });
    expect(modelRequests()).toEqual([]);
    const s = store({ maxBytes: total + 10_000 });
    s.release((await s.fetchModel('small')).cacheKey);
    const evicted: string[] = [];
    s.on('evicted', (e) => evicted.push(e.entry.name));
    await s.fetchModel('big');
    expect(evicted).toEqual(['small']);
    expect(() => store({ maxBytes: -1 })).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('never evicts the model in use to make room', async () => {
    const s = store({ estimate: async () => ({ usage: 0, quota: 0 }) });
    await expect(s.fetchModel('big')).rejects.toMatchObject({ code: 'QUOTA' });
  });
});
