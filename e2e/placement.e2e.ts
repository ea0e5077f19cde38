// Placement in Chromium, through the built SDK and its worker: each backend gets the manifest file
// that suits it, and a backend that fails at session creation moves on with the next backend's file.
// WebGPU fails here for a real reason an app can meet: the host serves onnxruntime-web's WASM build
// but not the JSEP build that its WebGPU backend needs.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertFloat16 } from '@edgewise/model-tools';
import type { ModelManifest, ModelVersion } from '@edgewise/sdk';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, demoModels, ortDist } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

type SdkWindow = { edgewise: typeof import('@edgewise/sdk') };

const expected = JSON.parse(await readFile(join(demoModels, 'expected/iris.json'), 'utf8')) as {
  inputs: number[][];
  outputs: Record<string, number[][]>;
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('placement in a Chromium worker: the variant follows the backend', () => {
  let browser: Browser;
  let server: StaticServer;
  let dir: string;
  let manifest: ModelManifest;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-placement-'));
    // A runtime folder with only the WASM build: WebGPU's ort.min.mjs answers 404.
    const wasmOnly = join(dir, 'runtime');
    const variants = join(dir, 'variants');
    await Promise.all([mkdir(wasmOnly), mkdir(variants)]);
    for (const file of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
      await copyFile(join(ortDist, file), join(wasmOnly, file));
    }
    const real = JSON.parse(await readFile(join(demoModels, 'manifest.json'), 'utf8')) as ModelManifest;
    const v1 = structuredClone(real.models.iris!.versions['1.0.0']) as ModelVersion;
    // A real fp16 file of the same model, as model-tools writes it, for WebGPU (with shader-f16) only.
    const fp32 = new Uint8Array(await readFile(join(demoModels, 'iris/1.0.0/iris.fp32.onnx')));
    const fp16 = convertFloat16(fp32).bytes;
    await writeFile(join(variants, 'iris.fp16.onnx'), fp16);
    const int8 = v1.variants!.int8!;
    v1.url = `../models/${v1.url}`;
    v1.variants = {
      fp16: {
        url: 'iris.fp16.onnx',
        format: 'onnx',
        sha256: sha256(fp16),
        bytes: fp16.byteLength,
        quantization: 'fp16',
        backends: ['webgpu'],
      },
      int8: { ...int8, url: `../models/${int8.url}`, backends: ['wasm'] },
    };
    manifest = {
      schemaVersion: 1,
      generatedAt: real.generatedAt,
      models: { iris: { channels: { stable: '1.0.0' }, versions: { '1.0.0': v1 } } },
    };
    await writeFile(join(variants, 'manifest.json'), JSON.stringify(manifest));
    browser = await launchChromium();
    server = await startStaticServer({
      mounts: { ...defaultMounts, '/variants/': variants, '/wasm-only/': wasmOnly },
      isolated: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches and runs the int8 file on WASM when WebGPU fails at session creation', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const before = server.requests.length;
    const result = await page.evaluate(async (row) => {
      const { Edgewise, detectBackends } = (window as unknown as SdkWindow).edgewise;
      const caps = await detectBackends();
      const ew = await Edgewise.create({
        manifestUrl: '/variants/manifest.json',
        runtimeBaseUrl: '/wasm-only/',
        backends: ['webgpu', 'wasm'],
      });
      const notices: { type: string; from?: string; to?: string }[] = [];
      ew.on((n) => notices.push(n as (typeof notices)[number]));
      const model = await ew.load('iris');
      const out = await model.predict({ input: Float32Array.from(row) });
      const description = model.describe();
      await ew.close();
      return {
        webgpu: caps.webgpu.available,
        shaderF16: caps.webgpu.shaderF16,
        description,
        notices,
        probs: Array.from(out.probabilities!.data as Float32Array),
      };
    }, expected.inputs[0]!);
    await page.close();
    const requested = server.requests.slice(before);

    expect(result.webgpu).toBe(true);
    // WebGPU gets the fp16 file only on an adapter with shader-f16; SwiftShader has none, so it gets
    // the fp32 base file instead (a real GPU with shader-f16 gets the fp16 one).
    expect(requested.filter((p) => p.endsWith('.onnx'))).toEqual([
      result.shaderF16 ? '/variants/iris.fp16.onnx' : '/models/iris/1.0.0/iris.fp32.onnx',
      '/models/iris/1.0.0/iris.int8.onnx',
    ]);
    expect(requested).toContain('/wasm-only/ort.min.mjs');
    expect(result.description).toMatchObject({
      backend: 'wasm',
      variant: 'int8',
      quantization: 'int8-dynamic',
      runtime: 'onnxruntime-web',
    });
    expect(result.description.backendReason).toMatch(/after webgpu failed/);
    expect(result.notices).toContainEqual(
      expect.objectContaining({ type: 'fallback', from: 'webgpu', to: 'wasm' }),
    );
    // The outputs are the int8 file's, not the fp32 or fp16 ones.
    result.probs.forEach((p, j) => {
      expect(p).toBeCloseTo(expected.outputs.int8![0]![j]!, 5);
    });
  });
});
