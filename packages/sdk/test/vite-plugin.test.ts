// The Vite plugin in a real Vite dev server: runtime files under <base>edgewise/<hash>/, the meta tag
// that tells the SDK where they are, and cross-origin isolation.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, createServer, preview, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestNeedsTflite } from '../src/vite/runtime-files.js';
import { edgewise, runtimeFiles } from '../src/vite-plugin.js';

describe('edgewise() Vite plugin', () => {
  let server: ViteDevServer;
  let root: string;
  let origin: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'edgewise-vite-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><html><head><title>app</title></head></html>');
    server = await createServer({
      root,
      base: '/app/',
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
      plugins: [edgewise()],
    });
    await server.listen();
    const address = server.httpServer?.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await server?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('is ONNX-only unless TFLite is asked for, and versions the folder by what it holds', () => {
    const onnx = runtimeFiles();
    expect([...onnx.files.keys()]).toEqual(
      expect.arrayContaining(['ort.min.mjs', 'ort.wasm.min.mjs', 'ort-wasm-simd-threaded.jsep.wasm']),
    );
    expect([...onnx.files.keys()].some((name) => name.startsWith('litert/'))).toBe(false);
    const tflite = runtimeFiles({ tflite: true });
    expect([...tflite.files.keys()]).toEqual(
      expect.arrayContaining([
        'litert/litert.mjs',
        'litert/litert-wasm-utils.mjs',
        'litert/litert_wasm_internal.wasm',
      ]),
    );
    expect(onnx.hash).toMatch(/^[0-9a-f]{10}$/);
    expect(tflite.hash).not.toBe(onnx.hash);
    expect(runtimeFiles().hash).toBe(onnx.hash);
  });

  it('turns TFLite on for a manifest that lists a .tflite model', () => {
    expect(manifestNeedsTflite(join(import.meta.dirname, '../../../models/manifest.json'))).toBe(true);
    expect(() => manifestNeedsTflite(join(root, 'missing.json'))).toThrow(/CONFIG|point it at/);
  });

  it('writes the runtime base into the page and serves the runtimes there with their types', async () => {
    const html = await (await fetch(`${origin}/app/`)).text();
    const base = /<meta name="edgewise-runtime-base" content="([^"]+)"/.exec(html)?.[1];
    expect(base).toBe(`/app/edgewise/${runtimeFiles().hash}/`);
    const wasm = await fetch(`${origin}${base}ort-wasm-simd-threaded.wasm`);
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(wasm.headers.get('cache-control')).toContain('immutable');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(
      new Uint8Array([0, 97, 115, 109]),
    );
    const page = await fetch(`${origin}/app/`);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    // Not ours: Vite answers as it would without the plugin, never with a runtime.
    const unknown = await fetch(`${origin}${base}not-a-runtime.wasm`);
    expect(unknown.headers.get('content-type')).not.toBe('application/wasm');
    const litert = await fetch(`${origin}${base}litert/litert.mjs`);
    expect(litert.headers.get('content-type')).not.toBe('text/javascript');
  });

  it('offers the same base as a virtual module, for pages the plugin never sees', async () => {
    const code = await (await fetch(`${origin}/app/@id/__x00__virtual:edgewise-runtime-base`)).text();
    expect(code).toContain(`/app/edgewise/${runtimeFiles().hash}/`);
  });

  it('rewrites LiteRT.js so a browser can import it without a bundler', async () => {
    const entry = runtimeFiles({ tflite: true }).files.get('litert/litert.mjs');
    const { readRuntimeFile } = await import('../src/vite/runtime-files.js');
    const text = readRuntimeFile(entry!).toString('utf8');
    expect(text).toContain('"./litert-wasm-utils.mjs"');
    expect(text).not.toContain('"@litertjs/wasm-utils"');
  });

  it('previews the emitted files: versioned runtimes immutable, the service worker revalidated', async () => {
    const out = join(root, 'dist');
    await build({
      root,
      base: '/app/',
      configFile: false,
      logLevel: 'silent',
      build: { outDir: out },
      plugins: [edgewise({ offline: true })],
    });
    const server = await preview({
      root,
      base: '/app/',
      configFile: false,
      logLevel: 'silent',
      build: { outDir: out },
      preview: { host: '127.0.0.1', port: 0 },
      plugins: [edgewise({ offline: true })],
    });
    try {
      const at = server.resolvedUrls?.local[0] ?? '';
      const html = await (await fetch(at)).text();
      const base = /<meta name="edgewise-runtime-base" content="([^"]+)"/.exec(html)?.[1];
      expect(html).toContain('src="/app/edgewise-register.js"');
      const wasm = await fetch(new URL(`${base}ort-wasm-simd-threaded.wasm`, at));
      expect(wasm.status).toBe(200);
      expect(wasm.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(wasm.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      const sw = await fetch(new URL('/app/edgewise-sw.js', at));
      expect(sw.status).toBe(200);
      expect(sw.headers.get('cache-control')).toBe('no-cache');
      expect(await sw.text()).toContain('"index.html"');
    } finally {
      await server.close();
    }
  }, 60_000);
});
