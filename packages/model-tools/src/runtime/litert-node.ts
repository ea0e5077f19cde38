// Loads LiteRT.js (@litertjs/core) in Node. Its loader expects a classic worker or a page
// (importScripts or <script>), and its Emscripten glue expects CommonJS globals; we provide both.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

type LiteRt = typeof import('@litertjs/core');
let loaded: Promise<LiteRt> | undefined;

export function loadLiteRtInNode(): Promise<LiteRt> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmDir = join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
    const g = globalThis as Record<string, unknown>;
    g.self ??= globalThis;
    g.require ??= require;
    g.__dirname ??= wasmDir;
    g.__filename ??= join(wasmDir, 'litert.js');
    g.importScripts ??= (url: string) => {
      const path = url.startsWith('file:') ? fileURLToPath(url) : url;
      vm.runInThisContext(readFileSync(path, 'utf8'), { filename: path });
    };
    const litert = await import('@litertjs/core');
    await litert.loadLiteRt(`${wasmDir}/`);
    return litert;
  })();
  return loaded;
}
