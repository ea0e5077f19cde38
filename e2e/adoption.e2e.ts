// What an adopter meets in the first hour, in Chromium through the built SDK: the default backend
// on a machine whose only WebGPU adapter is SwiftShader, a worker script that 404s, the caller's
// input buffers, and a measured choice between two working backends.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, sdkDist } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

type Sdk = typeof import('@edgewise/sdk');
type SdkWindow = { edgewise: Sdk };
const IRIS = '/models/iris/1.0.0/iris.fp32.onnx';

describe('adopting the SDK in Chromium', () => {
  let browser: Browser;
  let server: StaticServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-adoption-'));
    // The built SDK with its worker chunk missing, as a host that forgot to serve it would be.
    const broken = join(dir, 'sdk');
    await cp(sdkDist, broken, { recursive: true });
    for (const file of await readdir(join(broken, 'assets'))) {
      if (file.startsWith('worker-')) await rm(join(broken, 'assets', file));
    }
    browser = await launchChromium();
    server = await startStaticServer({
      mounts: { ...defaultMounts, '/sdk-without-worker/': broken },
      isolated: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function sdkPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${server.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page;
  }

  it('runs on WASM by default when the only WebGPU adapter is a software renderer, and says why', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      const { Edgewise, detectBackends } = (window as unknown as SdkWindow).edgewise;
      const caps = await detectBackends();
      const ew = await Edgewise.create();
      const model = await ew.loadBytes(new Uint8Array(await (await fetch(url)).arrayBuffer()), {
        format: 'onnx',
      });
      const described = model.describe();
      await ew.close();
      return { webgpu: caps.webgpu, backend: described.backend, reason: described.backendReason };
    }, IRIS);
    await page.close();
    expect(result.webgpu).toMatchObject({ available: true, software: true });
    expect(result.backend).toBe('wasm');
    expect(result.reason).toMatch(/skipped webgpu: .*software renderer \(google\/swiftshader\)/);
  });

  it('fails with WORKER_CRASHED, within the start bound, when the worker script cannot be fetched', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async (url) => {
      // Built from a string: Vitest would rewrite a literal import() in this function's source.
      const load = new Function('url', 'return import(url)') as (url: string) => Promise<Sdk>;
      const { Edgewise } = await load('/sdk-without-worker/index.js');
      const started = performance.now();
      const ew = await Edgewise.create({ timeouts: { workerStartMs: 5_000 } });
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const outcome = await ew.loadBytes(bytes, { format: 'onnx' }).then(
        () => ({ code: 'loaded', message: '' }),
        (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
      );
      const again = await ew.loadBytes(bytes, { format: 'onnx' }).catch((e: { code: string }) => e.code);
      await ew.close();
      return { ...outcome, again, ms: performance.now() - started };
    }, IRIS);
    await page.close();
    expect(result.code).toBe('WORKER_CRASHED');
    expect(result.message).toMatch(/worker chunk .* runtimeBaseUrl/);
    expect(result.again).toBe('WORKER_CRASHED');
    expect(result.ms).toBeLessThan(15_000);
  });

  it("leaves the caller's input buffers intact, unless asked to transfer them", async () => {
    const page = await sdkPage();
    const lengths = await page.evaluate(async (url) => {
      const { Edgewise } = (window as unknown as SdkWindow).edgewise;
      const ew = await Edgewise.create({ backends: ['wasm'] });
      const model = await ew.loadBytes(new Uint8Array(await (await fetch(url)).arrayBuffer()), {
        format: 'onnx',
      });
      const kept = Float32Array.from([5.1, 3.5, 1.4, 0.2]);
      await model.predict({ input: kept });
      const handed = Float32Array.from([5.1, 3.5, 1.4, 0.2]);
      await model.predict({ input: handed }, { transfer: true });
      await ew.close();
      return { kept: kept.length, keptFirst: kept[0], handed: handed.length };
    }, IRIS);
    await page.close();
    expect(lengths).toEqual({ kept: 4, keptFirst: Float32Array.from([5.1])[0], handed: 0 });
  });

  it('measures WebGPU (SwiftShader) against WASM when asked, picks the faster, and remembers it', async () => {
    const page = await sdkPage();
    const result = await page.evaluate(async () => {
      const { Edgewise } = (window as unknown as SdkWindow).edgewise;
      const open = async () => {
        const ew = await Edgewise.create({
          manifestUrl: '/models/manifest.json',
          backends: ['webgpu', 'wasm'],
          measureBackends: { budgetMs: 1_500 },
        });
        const model = await ew.load('mnist', { variant: 'base' });
        const described = model.describe();
        await ew.close();
        return described;
      };
      return { first: await open(), second: await open() };
    });
    await page.close();
    const timing = (backend: string) => result.first.measured?.find((t) => t.backend === backend)?.medianMs;
    expect(timing('webgpu')).toBeGreaterThan(0);
    expect(timing('wasm')).toBeGreaterThan(0);
    const faster = timing('wasm')! <= timing('webgpu')! ? 'wasm' : 'webgpu';
    expect(result.first.backend).toBe(faster);
    expect(result.first.backendReason).toMatch(/measured on this device: .* per prediction, median/);
    expect(result.second.backend).toBe(faster);
    expect(result.second.backendReason).toMatch(/measured on this device \(remembered\)/);
    console.log(
      `measured in Chromium: wasm ${timing('wasm')!.toFixed(2)} ms, webgpu (SwiftShader) ${timing('webgpu')!.toFixed(2)} ms per MNIST prediction → ${faster}`,
    );
  });
});
