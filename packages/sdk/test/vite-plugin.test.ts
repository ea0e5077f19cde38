// The Vite plugin in a real Vite dev server: runtime files under /edgewise/ and cross-origin isolation.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgewise, runtimeFiles } from '../src/vite-plugin.js';

describe('edgewise() Vite plugin', () => {
  let server: ViteDevServer;
  let root: string;
  let base: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'edgewise-vite-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>app</title>');
    server = await createServer({
      root,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
      plugins: [edgewise()],
    });
    await server.listen();
    const address = server.httpServer?.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('lists the onnxruntime-web and LiteRT.js files the worker imports, all present', () => {
    const files = runtimeFiles();
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'ort.min.mjs',
        'ort.wasm.min.mjs',
        'ort-wasm-simd-threaded.jsep.wasm',
        'litert/litert_wasm_internal.wasm',
      ]),
    );
    expect(runtimeFiles({ tflite: false }).has('litert/litert_wasm_internal.wasm')).toBe(false);
  });

  it('serves the runtimes with their types, and every page cross-origin isolated', async () => {
    const wasm = await fetch(`${base}/edgewise/ort-wasm-simd-threaded.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(
      new Uint8Array([0, 97, 115, 109]),
    );
    const page = await fetch(`${base}/`);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const unknown = await fetch(`${base}/edgewise/not-a-runtime.wasm`);
    // Not ours: Vite answers as it would without the plugin (its HTML fallback), never with a runtime.
    expect(unknown.headers.get('content-type')).not.toBe('application/wasm');
  });
});
