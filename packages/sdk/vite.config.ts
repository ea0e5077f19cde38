import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Library build of the SDK: ESM, the worker emitted as its own chunk, runtimes left lazy.
export default defineConfig({
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: { entry: resolve(import.meta.dirname, 'src/index.ts'), formats: ['es'], fileName: 'index' },
  },
  worker: { format: 'es' },
});
