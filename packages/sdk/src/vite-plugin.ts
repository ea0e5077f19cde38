// `edgewise()` for vite.config.ts: serves and emits the runtime files the inference worker imports
// at run time, and sends the cross-origin isolation headers that WASM threads need.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Plugin } from 'vite';

export interface EdgewisePluginOptions {
  /** URL path the runtimes are served under; must match the SDK's runtimeBaseUrl. Default '/edgewise/'. */
  base?: string;
  /** Send COOP/COEP/CORP in dev and preview (default true). Without them WASM runs single-threaded. */
  crossOriginIsolation?: boolean;
  /** Emit LiteRT.js (TFLite) files too: about 19 MB more in the build. Default true. */
  tflite?: boolean;
  /**
   * Serve and emit @tensorflow/tfjs-tflite's WASM files too (under tfjs-tflite/), which
   * `tfliteRuntime: 'tfjs-tflite'` needs: four glue + WASM pairs, about 15 MB more in the build, of
   * which a browser fetches one 3.7 MB pair. Default false: LiteRT.js is the default TFLite runtime.
   */
  tfjsTflite?: boolean;
}

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The onnxruntime-web files the worker may import: the JSEP (WebGPU + WASM) and WASM-only builds. */
const ORT_FILES = [
  'ort.min.mjs',
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/**
 * A package's root folder. Resolves its entry and walks up to its package.json, because packages with
 * an "exports" map (onnxruntime-web) refuse `require.resolve('<name>/package.json')`.
 */
function packageDir(require: NodeRequire, name: string): string {
  let dir = dirname(require.resolve(name));
  while (dirname(dir) !== dir) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
    )
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`edgewise(): cannot find the folder of ${name}; is it installed?`);
}

/** Every runtime file, by the path under `base` it is served at. */
export function runtimeFiles(options: { tflite?: boolean; tfjsTflite?: boolean } = {}): Map<string, string> {
  const require = createRequire(import.meta.url);
  const files = new Map<string, string>();
  const ortDist = join(packageDir(require, 'onnxruntime-web'), 'dist');
  for (const name of ORT_FILES) files.set(name, join(ortDist, name));
  if (options.tflite !== false) {
    const litert = join(packageDir(require, '@litertjs/core'), 'wasm');
    if (existsSync(litert)) {
      for (const name of readdirSync(litert)) {
        // LiteRT picks one build by browser features; the JSPI one is opt-in and not used by the SDK.
        if (/^litert_wasm_(threaded_|compat_)?internal\.(js|wasm)$/.test(name))
          files.set(`litert/${name}`, join(litert, name));
      }
    }
  }
  if (options.tfjsTflite === true) {
    const tfjsTflite = join(packageDir(require, '@tensorflow/tfjs-tflite'), 'wasm');
    if (existsSync(tfjsTflite)) {
      for (const name of readdirSync(tfjsTflite)) {
        // One glue + WASM pair per feature set (SIMD, threads); the pthread worker script is inlined in
        // the client, and tflite_web_api_client.js is already in the SDK's worker chunk.
        if (/^tflite_web_api_cc(_simd)?(_threaded)?\.(js|wasm)$/.test(name))
          files.set(`tfjs-tflite/${name}`, join(tfjsTflite, name));
      }
    }
  }
  return files;
}

/**
 * @example
 * // vite.config.ts
 * import { edgewise } from '@edgewise/sdk/vite';
 * export default defineConfig({ plugins: [edgewise()] });
 */
export function edgewise(options: EdgewisePluginOptions = {}): Plugin {
  const base = options.base ?? '/edgewise/';
  const isolate = options.crossOriginIsolation !== false;
  const files = runtimeFiles(options);
  const serve = (url: string | undefined, res: import('node:http').ServerResponse): boolean => {
    const path = url?.split('?')[0] ?? '';
    if (!path.startsWith(base)) return false;
    const file = files.get(path.slice(base.length));
    if (!file) return false;
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
    return true;
  };
  const headers = (res: import('node:http').ServerResponse) => {
    if (isolate) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  };
  return {
    name: 'edgewise',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        headers(res);
        if (!serve(req.url, res)) next();
      });
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        headers(res);
        if (!serve(req.url, res)) next();
      });
    },
    generateBundle() {
      for (const [name, file] of files) {
        this.emitFile({
          type: 'asset',
          fileName: `${base.replace(/^\//, '')}${name}`,
          source: readFileSync(file),
        });
      }
    },
  };
}
