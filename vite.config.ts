import { resolve } from 'node:path';
// Vite loads this file in Node without the 'source' condition, so this is the SDK's built
// dist/vite.js: scripts/build.mjs builds the SDK before the demo app.
import { edgewise } from '@edgewise/sdk/vite';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The demo app. The edgewise() plugin serves/emits the runtimes under /edgewise/<runtimes hash>/
// (TFLite included: the demo's models have TFLite variants) and sends the cross-origin isolation
// headers that WASM threads need in dev and preview.
const MiB = 1024 * 1024;

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
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  plugins: [
    edgewise({ tflite: true }),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Edgewise demo',
        short_name: 'Edgewise',
        description: 'On-device ML inference and client-side experiments, in your browser.',
        theme_color: '#1f6feb',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        // The app shell, plus the WASM build of onnxruntime-web that every browser can run: with it
        // precached, a reload with no network still predicts (models come from the SDK's IndexedDB).
        globPatterns: [
          '**/*.{js,css,html,svg,webmanifest}',
          'edgewise/*/ort.wasm.min.mjs',
          'edgewise/*/ort-wasm-simd-threaded.{mjs,wasm}',
        ],
        globIgnores: ['edgewise/*/litert/**', 'edgewise/*/ort.min.mjs', 'edgewise/*/*.jsep.*'],
        maximumFileSizeToCacheInBytes: 32 * MiB,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/v1\//, /^\/models\//, /^\/dashboard/, /^\/metrics/, /^\/healthz/],
        skipWaiting: true,
        clientsClaim: true,
        runtimeCaching: [
          {
            // WebGPU (JSEP) and TFLite runtimes are large and only some browsers use them: keep
            // each one once it has been fetched.
            urlPattern: ({ url }) => url.pathname.startsWith('/edgewise/'),
            handler: 'CacheFirst',
            options: { cacheName: 'edgewise-runtimes', cacheableResponse: { statuses: [200] } },
          },
          {
            // Experiments and the manifest: fresh when online, the last answer when offline.
            urlPattern: ({ url }) => url.pathname === '/v1/experiments' || url.pathname === '/v1/manifest',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'edgewise-config',
              networkTimeoutSeconds: 4,
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
  ],
});
