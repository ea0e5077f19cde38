import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectContent } from '../../src/inference/model-content.js';
import { downloadFile } from '../../src/models/download.js';
import { ModelCache } from '../../src/models/model-cache.js';
import { PhaseReporter, type Progress } from '../../src/models/progress.js';
import { memoryStorage } from '../../src/models/storage.js';
import { modelsRoot } from './helpers/manifests.js';
import { type ModelServer, startModelServer } from './helpers/model-server.js';

const body = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);

/** Byte-wise equality; toEqual walks a 200 kB typed array element by element, slowly. */
function expectBody(bytes: Uint8Array): void {
  expect(bytes.length).toBe(body.length);
  expect(Buffer.from(bytes).equals(Buffer.from(body))).toBe(true);
}

const CHUNK = 16 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let cache: ModelCache;
let storage: ReturnType<typeof memoryStorage>;

interface TestOptions {
  bytes: number;
  fetch: typeof fetch;
  retries: number;
  retryDelayMs: number;
  progress: PhaseReporter;
  signal?: AbortSignal;
  sha256?: string;
}

function options(onProgress?: (p: Progress) => void): TestOptions {
  return {
    bytes: body.length,
    fetch: globalThis.fetch,
    retries: 3,
    retryDelayMs: 1,
    // Every report, so the tests see each step (the SDK's default keeps 100 ms between them).
    progress: new PhaseReporter(
      'download',
      body.length,
      onProgress,
      new Map(),
      () => performance.now() * 1e6,
    ),
  };
}

/** The file downloaded into the (memory) cache, read back whole. */
async function download(url: string, o: TestOptions): Promise<Uint8Array> {
  const key = 'f@1.0.0#x';
  await downloadFile({
    url,
    bytes: o.bytes,
    sha256: o.sha256 ?? sha256(body),
    key,
    file: 0,
    model: {
      name: 'f',
      version: '1.0.0',
      variantId: 'default',
      format: 'onnx',
      quantization: 'fp32',
      bytes: o.bytes,
    },
    cache,
    chunkBytes: CHUNK,
    fetch: o.fetch,
    retries: o.retries,
    retryDelayMs: o.retryDelayMs,
    ...(o.signal ? { signal: o.signal } : {}),
    onBytes: (n) => o.progress.report(n),
    protect: new Set(),
    onEvicted: () => {},
  });
  const info = {
    key,
    name: 'f',
    version: '1.0.0',
    variantId: 'default',
    sha256: '',
    bytes: o.bytes,
    format: 'onnx' as const,
    quantization: 'fp32' as const,
    url,
    storedAt: 0,
    lastUsedAt: 0,
    files: [{ url, sha256: '', bytes: o.bytes, chunks: Math.ceil(o.bytes / CHUNK) }],
  };
  const { model } = await collectContent({
    files: [{ path: undefined, bytes: o.bytes }],
    chunks: () => cache.chunks(info),
  });
  return model;
}

describe('download', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer(modelsRoot);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.files.clear();
    storage = memoryStorage();
    cache = new ModelCache(storage, () => {});
  });

  it('streams the file with monotonic progress that ends at the total', async () => {
    server.files.set('/f', { body });
    const seen: Progress[] = [];
    const bytes = await download(
      `${server.url}/f`,
      options((p) => seen.push(p)),
    );
    expectBody(bytes);
    expect(seen[0]).toEqual({ loaded: 0, total: body.length, phase: 'download' });
    expect(seen.at(-1)).toMatchObject({ loaded: body.length, total: body.length, phase: 'download' });
    expect(seen.at(-1)?.rate).toBeGreaterThan(0);
    expect(seen.at(-1)?.etaMs).toBe(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.loaded).toBeGreaterThan(seen[i - 1]?.loaded ?? 0);
  });

  it('retries a 503 with backoff, then succeeds', async () => {
    server.files.set('/f', { body, failWith: { status: 503, times: 2 } });
    expectBody(await download(`${server.url}/f`, options()));
    expect(server.requests).toEqual(['GET /f', 'GET /f', 'GET /f']);
  });

  it('gives up with NETWORK after the retries, saying how many attempts', async () => {
    server.files.set('/f', { body, failWith: { status: 500, times: 10 } });
    await expect(download(`${server.url}/f`, options())).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('after 4 attempts'),
    });
  });

  it('does not retry a 404; the manifest points at a missing file', async () => {
    await expect(download(`${server.url}/missing`, options())).rejects.toMatchObject({ code: 'NETWORK' });
    expect(server.requests).toEqual(['GET /missing']);
  });

  it('resumes a broken transfer with Range and If-Range when the server takes ranges', async () => {
    server.files.set('/f', { body, ranges: true, breakAfter: 70_000 });
    const seen: Progress[] = [];
    expectBody(
      await download(
        `${server.url}/f`,
        options((p) => seen.push(p)),
      ),
    );
    expect(server.requests[0]).toBe('GET /f');
    expect(server.requests[1]).toMatch(/^GET \/f bytes=\d+- if-range="[0-9a-f]{16}"$/);
    const resumedAt = Number(/bytes=(\d+)-/.exec(server.requests[1] ?? '')?.[1]);
    // From the last whole chunk stored (at most 4 of 16 KiB were complete when the body broke; how
    // many of them arrived before the reset depends on the socket's timing).
    expect(resumedAt % CHUNK).toBe(0);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(4 * CHUNK);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.loaded).toBeGreaterThan(seen[i - 1]?.loaded ?? 0);
  });

  it('restarts from zero, keeping progress monotonic, when the server takes no ranges', async () => {
    server.files.set('/f', { body, breakAfter: 70_000 });
    const seen: Progress[] = [];
    expectBody(
      await download(
        `${server.url}/f`,
        options((p) => seen.push(p)),
      ),
    );
    expect(server.requests).toEqual(['GET /f', 'GET /f']);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.loaded).toBeGreaterThan(seen[i - 1]?.loaded ?? 0);
  });

  it('starts over when the file changed between attempts (If-Range fails)', async () => {
    server.files.set('/f', { body: body.map((b) => b ^ 1), ranges: true, breakAfter: 50_000 });
    const fetchThenSwap: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      // After the first response, the server publishes new bytes under the same URL.
      server.files.set('/f', { body, ranges: true });
      return response;
    };
    expectBody(await download(`${server.url}/f`, { ...options(), fetch: fetchThenSwap }));
    expect(server.requests[1]).toMatch(/bytes=\d+-/);
  });

  it('resumes in a later call (a reload) from the chunks an earlier one stored, fetching only the rest', async () => {
    server.files.set('/f', { body, ranges: true, breakAfter: 100_000 });
    await expect(download(`${server.url}/f`, { ...options(), retries: 0 })).rejects.toMatchObject({
      code: 'NETWORK',
      message: expect.stringContaining('resumes from there'),
    });
    const partial = await cache.readPartial('f@1.0.0#x', 0);
    expect(partial).toMatchObject({ bytes: body.length });
    expect(partial!.stored % CHUNK).toBe(0);
    expect(partial!.stored).toBeGreaterThan(0);
    expect(partial!.stored).toBeLessThanOrEqual(6 * CHUNK);
    expect(partial!.chunkSha256).toHaveLength(partial!.stored / CHUNK);
    server.files.set('/f', { body, ranges: true });
    expectBody(await download(`${server.url}/f`, options()));
    expect(server.requests[1]).toMatch(new RegExp(`^GET /f bytes=${partial!.stored}- if-range=`));
    expect(await cache.readPartial('f@1.0.0#x', 0)).toMatchObject({ done: true, stored: body.length });
  });

  it('refuses a file whose sha256 differs from the manifest (INTEGRITY) and keeps none of its chunks', async () => {
    server.files.set('/f', { body });
    await expect(
      download(`${server.url}/f`, { ...options(), sha256: sha256(body.map((b) => b ^ 1)) }),
    ).rejects.toMatchObject({ code: 'INTEGRITY', details: { actual: sha256(body) } });
    expect(await cache.partials()).toEqual([]);
    expect(await storage.keys()).toEqual([]);
  });

  it('refuses a body longer than the manifest says (INTEGRITY), without retrying', async () => {
    server.files.set('/f', { body: new Uint8Array(body.length + 1) });
    await expect(download(`${server.url}/f`, options())).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a complete body shorter than the manifest says (INTEGRITY)', async () => {
    server.files.set('/f', { body: body.subarray(0, 1000) });
    await expect(download(`${server.url}/f`, options())).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: expect.stringContaining('1000 bytes'),
    });
  });

  it('stops with ABORTED when the signal fires, and sends no more requests', async () => {
    server.files.set('/f', { body, failWith: { status: 503, times: 10 } });
    const controller = new AbortController();
    const pending = download(`${server.url}/f`, {
      ...options(),
      retryDelayMs: 60_000,
      signal: controller.signal,
    });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once with ABORTED for a signal already aborted', async () => {
    server.files.set('/f', { body });
    await expect(
      download(`${server.url}/f`, { ...options(), signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(server.requests).toHaveLength(0);
  });
});
