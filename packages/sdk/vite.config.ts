import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Library build of the SDK: ESM, the worker emitted as its own chunk, runtimes never bundled (the
// worker imports them from the runtime files the plugin emits). The Vite plugin entry is Node code;
// its dependencies stay external. Source maps only on request (EDGEWISE_SOURCEMAP=1): they tripled
// the tarball.
export default defineConfig({
  // Relative URLs, so the worker chunk is found next to index.js wherever the SDK is served from.
  base: './',
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: process.env.EDGEWISE_SOURCEMAP === '1',
    lib: {
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        vite: resolve(import.meta.dirname, 'src/vite-plugin.ts'),
      },
      formats: ['es'],
    },
    rollupOptions: { external: [/^node:/, 'vite', 'onnxruntime-web', /^@litertjs\//, /^@tensorflow\//] },
  },
  worker: { format: 'es' },
});
