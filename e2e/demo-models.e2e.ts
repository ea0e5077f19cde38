// The committed demo models (models/) run in Chromium's onnxruntime-web, inside a module worker, and
// agree with the plain-JS reference of their (quantized) arithmetic computed here in Node.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { denseModelFromOnnx, type ReferenceMode, runDenseReference } from '@edgewise/model-tools';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { runPageWorker } from './harness/page-worker.js';
import { defaultMounts, demoModels } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

interface DenseRun {
  ok: boolean;
  error?: string;
  outputs: number[][];
  numThreads: number;
}

const expected = JSON.parse(await readFile(join(demoModels, 'expected/mnist.json'), 'utf8')) as {
  inputs: number[][];
};
const dense = denseModelFromOnnx(await readFile(join(demoModels, 'mnist/1.0.0/mnist.fp32.onnx')));
const rows = expected.inputs.slice(0, 8);

function runInWorker(page: Page, options: Record<string, unknown>): Promise<DenseRun> {
  return runPageWorker<DenseRun>(page, '/dense/worker.js', options);
}

const variants: [string, ReferenceMode][] = [
  ['fp32', 'fp32'],
  ['int8', 'dynamic-int8'],
  ['int4', 'int4'],
];
const backends = [
  { backend: 'wasm', numThreads: 1, tolerance: 1e-5 },
  { backend: 'wasm', numThreads: 2, tolerance: 1e-5 },
  // SwiftShader sums in another order in float32: a looser bound, still far below a class flip.
  { backend: 'webgpu', numThreads: 1, tolerance: 1e-4 },
] as const;

describe('quantized MNIST models in Chromium match the plain-JS reference', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startStaticServer({ mounts: defaultMounts, isolated: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [variant, mode] of variants) {
    for (const { backend, numThreads, tolerance } of backends) {
      it(`${variant} on ${backend} (${numThreads} thread(s)) within ${tolerance}`, async () => {
        const page = await browser.newPage();
        await page.goto(`${server.url}/index.html`);
        const run = await runInWorker(page, {
          url: `/models/mnist/1.0.0/mnist.${variant}.onnx`,
          backend,
          numThreads,
          inputName: dense.inputName,
          rows,
          width: dense.layers[0]!.inputSize,
        });
        await page.close();
        expect(run.error).toBeUndefined();
        expect(run.numThreads).toBe(numThreads);
        expect(run.outputs).toHaveLength(rows.length);
        let worst = 0;
        run.outputs.forEach((out, i) => {
          const reference = runDenseReference(dense, Float32Array.from(rows[i]!), 1, mode, {
            perChannel: false,
            blockSize: 32,
            // models/scripts/build.ts keeps the int4 classifier head in float.
            floatLayers: mode === 'int4' ? [dense.layers.length - 1] : [],
          });
          expect(out).toHaveLength(reference.length);
          out.forEach((v, j) => {
            worst = Math.max(worst, Math.abs(v - reference[j]!));
          });
        });
        expect(worst).toBeLessThanOrEqual(tolerance);
      });
    }
  }
});
