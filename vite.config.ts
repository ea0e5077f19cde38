import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The demo app. Dev and preview servers send the cross-origin isolation headers that WASM threads need.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  root: resolve(import.meta.dirname, 'packages/demo-app'),
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  build: {
    outDir: resolve(import.meta.dirname, 'packages/demo-app/dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
});
