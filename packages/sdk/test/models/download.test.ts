import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../../src/models/download.js';
import { PhaseReporter, type Progress } from '../../src/models/progress.js';
import { modelsRoot } from './helpers/manifests.js';
import { type ModelServer, startModelServer } from './helpers/model-server.js';

const body = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);

/** Byte-wise equality; toEqual walks a 200 kB typed array element by element, slowly. */
function expectBody(bytes: Uint8Array): void {
  expect(bytes.length).toBe(body.length);
  expect(Buffer.from(bytes).equals(Buffer.from(body))).toBe(true);
}

function options(onProgress?: (p: Progress) => void) {
  return {
    bytes: body.length,
    fetch: globalThis.fetch,
    retries: 3,
    retryDelayMs: 1,
    progress: new PhaseReporter('download', body.length, onProgress),
  };
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
    expect(seen.at(-1)).toEqual({ loaded: body.length, total: body.length, phase: 'download' });
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
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(70_000);
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
