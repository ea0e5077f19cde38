// A TFLite model we did not build — MediaPipe's BlazeFace short range, from @mediapipe/face_detection —
// through the SDK in Chromium (LiteRT.js in the worker) against LiteRT.js called directly in the same
// page, as shipped (float16 weights, float compute) and quantized by model-tools (dynamic-range and
// full int8).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeTflite } from '../packages/model-tools/src/quantize-tflite/index.js';
import {
  readThirdPartyModel,
  THIRD_PARTY_MODELS,
  thirdPartyInput,
  thirdPartyModelPath,
} from '../packages/model-tools/test/tflite-third-party-inputs.js';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const face = THIRD_PARTY_MODELS.find((m) => m.id === 'face')!;
const quantizedDir = join(repoRoot, 'e2e/artifacts/tflite');

type PageWindow = {
  edgewise: typeof import('@edgewise/sdk');
  runLiteRtDirect(bytes: Uint8Array, inputs: number[][]): Promise<Record<string, number[]>[]>;
};

describe('a third-party TFLite model through the SDK in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  const inputs = [0, 1].map((seed) => Array.from(thirdPartyInput(face, 200 + seed)));

  beforeAll(async () => {
    // The quantized variants are made here, from the shipped file, and served beside it.
    mkdirSync(quantizedDir, { recursive: true });
    const shipped = readThirdPartyModel(face);
    const calibration = Array.from({ length: 8 }, (_, i) => thirdPartyInput(face, i));
    for (const mode of ['dynamic-int8', 'int8'] as const) {
      const { bytes } = await quantizeTflite(shipped, { mode, calibration });
      writeFileSync(join(quantizedDir, `face.${mode}.tflite`), bytes);
    }
    browser = await launchChromium();
    server = await startStaticServer({
      mounts: {
        ...defaultMounts,
        '/third-party/': dirname(thirdPartyModelPath(face)),
        '/quantized/': quantizedDir,
      },
      isolated: true,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each([
    ['shipped', `/third-party/${face.file}`],
    ['dynamic-int8', '/quantized/face.dynamic-int8.tflite'],
    ['int8', '/quantized/face.int8.tflite'],
  ])(
    '%s: Edgewise.loadBytes(…, { format: "tflite" }) equals LiteRT.js direct within 1e-5',
    async (_, url) => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error('page error:', e));
      await page.goto(`${server.url}/tflite/index.html`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const result = await page.evaluate(
        async ({ url, inputs }) => {
          const w = window as unknown as PageWindow;
          const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
          const ew = await w.edgewise.Edgewise.create({ backends: ['wasm'] });
          const model = await ew.loadBytes(bytes, { format: 'tflite' });
          const ours: Record<string, number[]>[] = [];
          for (const data of inputs) {
            const out = await model.predict({ [model.inputs[0]!.name]: Float32Array.from(data) });
            ours.push(
              Object.fromEntries(
                Object.entries(out).map(([k, t]) => [k, Array.from(t.data as Float32Array)]),
              ),
            );
          }
          const runtime = model.describe().runtime;
          await ew.close();
          return { ours, direct: await w.runLiteRtDirect(bytes, inputs), runtime };
        },
        { url, inputs },
      );
      await page.close();
      expect(result.runtime).toBe('litert');
      let worst = 0;
      result.ours.forEach((outputs, i) => {
        expect(Object.keys(outputs).sort()).toEqual(['classificators', 'regressors']);
        for (const [name, values] of Object.entries(outputs)) {
          const direct = result.direct[i]![name]!;
          expect(values.length).toBe(direct.length);
          values.forEach((v, j) => {
            worst = Math.max(worst, Math.abs(v - direct[j]!));
          });
        }
      });
      expect(worst).toBeLessThanOrEqual(1e-5);
    },
    30_000,
  );
});
