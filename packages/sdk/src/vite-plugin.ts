// `edgewise()` for vite.config.ts: serves and emits the runtime files the inference worker imports at
// run time, under `<base>edgewise/<runtimes hash>/`, tells the SDK where they are, sends the
// cross-origin isolation headers that WASM threads need, and can make the app work offline.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { RUNTIME_BASE_META } from './edgewise-config.js';
import { registrationSource, serviceWorkerSource } from './offline/service-worker.js';
import {
  manifestNeedsTflite,
  ORT_WASM_FILES,
  type RuntimeFiles,
  readRuntimeFile,
  runtimeFiles,
} from './vite/runtime-files.js';

export { runtimeFiles } from './vite/runtime-files.js';

export interface EdgewisePluginOptions {
  /** Send COOP/COEP/CORP in dev and preview (default true). Without them WASM runs single-threaded. */
  crossOriginIsolation?: boolean;
  /**
   * Emit LiteRT.js, the TFLite runtime (about 19 MB more in the build; needs the optional peer
   * @litertjs/core installed). Default: only when `manifest` lists a TFLite model; ONNX-only otherwise.
   */
  tflite?: boolean;
  /**
   * Emit @tensorflow/tfjs-tflite too (under tfjs-tflite/), which `tfliteRuntime: 'tfjs-tflite'`
   * needs: four glue + WASM pairs, about 15 MB more, of which a browser fetches one 3.7 MB pair. Needs
   * the optional peers @tensorflow/tfjs-tflite and @tensorflow/tfjs-backend-cpu. Default false.
   */
  tfjsTflite?: boolean;
  /**
   * The app's model manifest file (path from Vite's root), read at build time: TFLite runtimes are
   * emitted when it lists a `.tflite` model, unless `tflite` says otherwise.
   */
  manifest?: string;
  /**
   * Emit a service worker that caches the app shell and the WASM runtime, so the app starts without
   * network; the SDK runs cached models from IndexedDB. Builds only, never in dev. Default false.
   */
  offline?: boolean;
}

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The runtime folder under Vite's base; its next segment is the runtimes' hash. */
const RUNTIME_DIR = 'edgewise/';
const SERVICE_WORKER = 'edgewise-sw.js';
const REGISTER = 'edgewise-register.js';
const VIRTUAL_BASE = 'virtual:edgewise-runtime-base';

/** Only hashed paths are immutable: a new onnxruntime-web (or SDK) gets a new URL. */
const VERSIONED = /\/edgewise\/[0-9a-f]{10}\//;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

/** The path under Vite's base, or undefined when the URL is not under it. */
function underBase(url: string | undefined, base: string): string | undefined {
  const path = decodeURIComponent(url?.split(/[?#]/)[0] ?? '');
  // Vite strips the base before its own middlewares; ours run first and may see it either way.
  const pathBase = base.startsWith('/') ? base : '/';
  return path.startsWith(pathBase) ? path.slice(pathBase.length) : undefined;
}

/**
 * @example
 * // vite.config.ts
 * import { edgewise } from '@edgewise/sdk/vite';
 * export default defineConfig({ base: '/app/', plugins: [edgewise({ offline: true })] });
 */
export function edgewise(options: EdgewisePluginOptions = {}): Plugin {
  const isolate = options.crossOriginIsolation !== false;
  let config: ResolvedConfig;
  let runtimes: RuntimeFiles;
  let runtimeDir: string;

  const headers = (res: ServerResponse) => {
    if (isolate) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  };

  return {
    name: 'edgewise',
    // The SDK's inference worker is a module worker that imports chunks: Vite's default 'iife' cannot.
    config: () => ({ worker: { format: 'es' } }),
    configResolved(resolved) {
      config = resolved;
      const tflite =
        options.tflite ??
        (options.manifest ? manifestNeedsTflite(resolve(config.root, options.manifest)) : false);
      runtimes = runtimeFiles({
        tflite: tflite || options.tfjsTflite === true,
        tfjsTflite: options.tfjsTflite === true,
        resolveFrom: [config.root],
      });
      runtimeDir = `${RUNTIME_DIR}${runtimes.hash}/`;
    },

    // The SDK's runtimeBaseUrl() reads this at run time: it holds whatever bundled the SDK.
    // For pages the plugin never sees (SSR frameworks render their own HTML):
    // `import runtimeBaseUrl from 'virtual:edgewise-runtime-base'`, then pass it to Edgewise.create().
    resolveId(id) {
      return id === VIRTUAL_BASE ? `\0${VIRTUAL_BASE}` : undefined;
    },
    load(id) {
      if (id !== `\0${VIRTUAL_BASE}`) return undefined;
      return `export default new URL(${JSON.stringify(`${config.base}${runtimeDir}`)}, document.baseURI).href;`;
    },

    // 'post', so Vite does not try to bundle the registration script it cannot see yet.
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const tags = [
          {
            tag: 'meta',
            attrs: { name: RUNTIME_BASE_META, content: `${config.base}${runtimeDir}` },
            injectTo: 'head-prepend' as const,
          },
        ];
        if (options.offline && !context.server) {
          tags.push({
            tag: 'script',
            attrs: { type: 'module', src: `${config.base}${REGISTER}` } as never,
            injectTo: 'head-prepend',
          });
        }
        return tags;
      },
    },

    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        headers(res);
        const path = underBase(req.url, config.base);
        const entry = path?.startsWith(runtimeDir)
          ? runtimes.files.get(path.slice(runtimeDir.length))
          : undefined;
        if (!entry) return next();
        const bytes = entry.transform ? readRuntimeFile(entry) : undefined;
        res.setHeader('Content-Type', TYPES[extname(entry.file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', bytes?.length ?? statSync(entry.file).size);
        res.setHeader('Cache-Control', IMMUTABLE);
        res.end(bytes ?? readRuntimeFile(entry));
      });
    },

    // Preview serves what the build emitted (dist/), as a host would; only headers are ours.
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        headers(res);
        if (req.url?.split('?')[0]?.endsWith(`/${SERVICE_WORKER}`))
          res.setHeader('Cache-Control', 'no-cache');
        if (VERSIONED.test(req.url ?? '')) {
          const setHeader = res.setHeader.bind(res);
          // sirv sets its own Cache-Control later; the versioned path makes a year safe.
          res.setHeader = (name, value) =>
            setHeader(name, name.toLowerCase() === 'cache-control' ? IMMUTABLE : value);
          setHeader('Cache-Control', IMMUTABLE);
        }
        next();
      });
    },

    generateBundle: {
      // 'post': index.html is in the bundle by then, so the service worker can precache it.
      order: 'post',
      handler(_outputOptions, bundle) {
        // Runtimes belong to the browser's output; a server (SSR) build has no use for them. Worker
        // bundles never get here: they run worker.plugins, not these.
        if (config.build.ssr) return;
        for (const [name, entry] of runtimes.files) {
          this.emitFile({ type: 'asset', fileName: `${runtimeDir}${name}`, source: readRuntimeFile(entry) });
        }
        if (!options.offline) return;
        const shell = Object.keys(bundle).filter((name) => !name.endsWith('.map'));
        const precache = [...shell, REGISTER, ...ORT_WASM_FILES.map((name) => `${runtimeDir}${name}`)].sort();
        const html = bundle['index.html'];
        const fingerprint = createHash('sha256')
          .update(JSON.stringify(precache))
          .update(html?.type === 'asset' ? html.source : '')
          .digest('hex')
          .slice(0, 10);
        this.emitFile({
          type: 'asset',
          fileName: SERVICE_WORKER,
          source: serviceWorkerSource({
            shellCache: `edgewise-shell-${fingerprint}`,
            runtimeCache: `edgewise-runtimes-${runtimes.hash}`,
            precache,
            fallback: html ? 'index.html' : (shell.find((name) => name.endsWith('.html')) ?? 'index.html'),
            runtimePrefix: runtimeDir,
          }),
        });
        this.emitFile({ type: 'asset', fileName: REGISTER, source: registrationSource(SERVICE_WORKER) });
      },
    },
  };
}
