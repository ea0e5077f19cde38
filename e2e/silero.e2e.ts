import * as ort from 'onnxruntime-web';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFrames, runSilero } from './fixtures/silero/signal.js';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, vadDist } from './harness/paths.js';
import { runSileroInWorker } from './harness/silero-page.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const FRAME_COUNT = 16;

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - (b[i] ?? Number.NaN))), 0);
}

describe('Silero VAD v5 in a module worker matches onnxruntime-web in Node', () => {
  let browser: Browser;
  let isolated: StaticServer;
  let plain: StaticServer;
  let reference: { probabilities: number[]; state: number[] };

  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(`${vadDist}/silero_vad_v5.onnx`);
    reference = await runSilero(ort, session, makeFrames(FRAME_COUNT));
    await session.release();
    browser = await launchChromium();
    isolated = await startStaticServer({ mounts: defaultMounts, isolated: true });
    plain = await startStaticServer({ mounts: defaultMounts, isolated: false });
  });

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  it('has a reference that moves: silence scores low, the tone scores higher', () => {
    const quiet = reference.probabilities.slice(0, FRAME_COUNT / 4);
    const loud = reference.probabilities.slice(FRAME_COUNT / 2);
    expect(Math.max(...quiet)).toBeLessThan(Math.max(...loud));
    expect(new Set(reference.probabilities.map((p) => p.toFixed(6))).size).toBeGreaterThan(4);
  });

  const cases = [
    { backend: 'wasm', numThreads: 1, tolerance: 1e-5 },
    { backend: 'wasm', numThreads: 2, tolerance: 1e-5 },
    // SwiftShader computes in float32 with different op order: agree to a looser bound.
    { backend: 'webgpu', numThreads: 1, tolerance: 2e-3 },
  ] as const;

  for (const { backend, numThreads, tolerance } of cases) {
    it(`runs on ${backend} with ${numThreads} thread(s) and agrees within ${tolerance}`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${isolated.url}/index.html`);
      const run = await runSileroInWorker(page, { backend, numThreads, frameCount: FRAME_COUNT });
      expect(run.error).toBeUndefined();
      expect(run.ok).toBe(true);
      expect(run.inputNames).toEqual(['input', 'state', 'sr']);
      expect(run.crossOriginIsolated).toBe(true);
      expect(run.numThreads).toBe(numThreads);
      if (backend === 'webgpu') expect(run.adapter?.architecture).toBeTruthy();
      expect(maxAbsDiff(run.probabilities, reference.probabilities)).toBeLessThan(tolerance);
      expect(maxAbsDiff(run.state, reference.state)).toBeLessThan(tolerance * 10);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('still runs on wasm without cross-origin isolation, single-threaded', async () => {
    const page = await browser.newPage();
    await page.goto(`${plain.url}/index.html`);
    const run = await runSileroInWorker(page, { backend: 'wasm', numThreads: 2, frameCount: FRAME_COUNT });
    expect(run.error).toBeUndefined();
    expect(run.crossOriginIsolated).toBe(false);
    expect(run.numThreads).toBe(1);
    expect(maxAbsDiff(run.probabilities, reference.probabilities)).toBeLessThan(1e-5);
    await page.close();
  });
});
