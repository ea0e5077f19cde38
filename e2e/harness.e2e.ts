import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendCapabilities } from '@edgewise/sdk';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, launchChromium } from './harness/chromium.js';
import { defaultMounts, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

interface PageReport {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  page: BackendCapabilities;
  worker: BackendCapabilities;
  /** The WebGPU adapter's features read directly in the page and in the worker (null: no adapter). */
  gpu: Record<'page' | 'worker', { shaderF16: boolean; features: string[] } | null>;
}

async function report(page: Page, url: string): Promise<PageReport> {
  await page.goto(`${url}/capabilities.html`);
  await page.waitForFunction(() => 'capabilities' in window);
  return page.evaluate(() => (window as unknown as { capabilities: Promise<PageReport> }).capabilities);
}

describe('e2e harness: headless Chromium on these machines', () => {
  let browser: Browser;
  let isolated: StaticServer;
  let plain: StaticServer;
  const found: Record<string, PageReport> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    isolated = await startStaticServer({ mounts: defaultMounts, isolated: true });
    plain = await startStaticServer({ mounts: defaultMounts, isolated: false });
  });

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
    await mkdir(join(repoRoot, 'e2e/artifacts'), { recursive: true });
    await writeFile(
      join(repoRoot, 'e2e/artifacts/capabilities.json'),
      JSON.stringify({ chromium: browser?.version(), args: CHROMIUM_ARGS, ...found }, null, 2),
    );
  });

  it('gives a COOP/COEP page cross-origin isolation, SIMD, threads and a WebGPU adapter, in page and worker', async () => {
    const page = await browser.newPage();
    const r = await report(page, isolated.url);
    found.isolated = r;
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.sharedArrayBuffer).toBe(true);
    for (const caps of [r.page, r.worker]) {
      expect(caps.wasm.available).toBe(true);
      expect(caps.simd.available).toBe(true);
      expect(caps.threads).toMatchObject({ available: true, crossOriginIsolated: true });
      // --enable-unsafe-webgpu gives SwiftShader here; a real GPU adapter is fine too.
      expect(caps.webgpu.available, caps.webgpu.reason).toBe(true);
      expect(caps.webgpu.adapter?.architecture).toBeTruthy();
    }
    // detectBackends() reads shader-f16 as adapter.features.has('shader-f16') does, in page and worker
    // (SwiftShader's answer is recorded in e2e/artifacts/capabilities.json and e2e/README.md).
    for (const where of ['page', 'worker'] as const) {
      const direct = r.gpu[where];
      expect(direct, `${where}: no adapter measured directly`).not.toBeNull();
      expect(r[where].webgpu.shaderF16, where).toBe(direct?.shaderF16);
    }
    await page.close();
  });

  it('reports threads unavailable, with the reason, on a page served without COOP/COEP', async () => {
    const page = await browser.newPage();
    const r = await report(page, plain.url);
    found.notIsolated = r;
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.page.threads.available).toBe(false);
    expect(r.page.threads.reason).toMatch(/COOP|cross-origin/);
    expect(r.page.simd.available).toBe(true);
    await page.close();
  });
});
