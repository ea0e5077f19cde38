import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentResults } from '@edgewise/protocol';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from './fixtures/demo-app/demo-server.js';
import { drawDigit, heldOutDigit } from './fixtures/demo-app/draw-digit.js';
import { launchChromium } from './harness/chromium.js';
import { repoRoot } from './harness/paths.js';

const artifacts = join(repoRoot, 'e2e/artifacts');
// A held-out "3" from models/expected/mnist.json; the fp32 model classifies the original correctly.
const DIGIT = 15;

const top = (page: Page, id: string) => page.locator(`#${id}`).getAttribute('data-top');

async function waitForTop(page: Page, ids: string[], label: string): Promise<void> {
  await page
    .waitForFunction(
      ([list, want]) => (list as string[]).every((id) => document.getElementById(id)?.dataset.top === want),
      [ids, label] as const,
      { timeout: 20_000 },
    )
    .catch(() => undefined);
}

describe('the demo app, served by the real server, in Chromium', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const report: Record<string, unknown> = {};
  // While the network is cut off, the browser logs the requests that fail; those are expected.
  let offline = false;

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    server = await startDemoServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (m) => {
      const expected =
        offline && /Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED)/.test(m.text());
      if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()}`);
    });
    const started = Date.now();
    await page.goto(server.url);
    await page.waitForSelector('#iris[data-predictions]', { timeout: 60_000 });
    report.firstVisitFirstPredictionMs = Date.now() - started;
    await page.waitForSelector('#mnist[data-ready="true"]', { timeout: 60_000 });
    await page.waitForSelector('#iris[data-ready="true"]', { timeout: 60_000 });
    report.firstVisitBothModelsReadyMs = Date.now() - started;
  });

  afterAll(async () => {
    await writeFile(join(artifacts, 'demo-app.json'), `${JSON.stringify(report, null, 2)}\n`);
    await browser?.close();
    await server?.close();
  });

  it('classifies a drawn digit: the right class ranks first on fp32 and int8', async () => {
    const { label, pixels } = await heldOutDigit(DIGIT);
    await drawDigit(page, '#mnist-canvas', pixels);
    await waitForTop(page, ['mnist-fp32-bars', 'mnist-int8-bars'], String(label));
    await page.locator('#mnist').screenshot({ path: join(artifacts, 'demo-app-mnist.png') });
    expect(await top(page, 'mnist-fp32-bars')).toBe(String(label));
    expect(await top(page, 'mnist-int8-bars')).toBe(String(label));
    for (const side of ['fp32', 'int8']) {
      const ms = await page.locator(`#mnist-${side}-latency`).getAttribute('data-ms');
      expect(ms).toMatch(/^\d/);
      report[`mnistMedianLatencyMs_${side}`] = Number(ms);
    }
    report.backend = await page.locator('#mnist').getAttribute('data-backend');
  });

  it('updates the iris prediction when the sliders move', async () => {
    await waitForTop(page, ['iris-fp32-bars'], 'versicolor');
    expect(await top(page, 'iris-fp32-bars')).toBe('versicolor');
    // A typical virginica: long, wide petals.
    for (const [id, value] of [
      ['petal-length', '6.0'],
      ['petal-width', '2.3'],
      ['sepal-length', '7.2'],
    ] as const) {
      await page.locator(`#iris-${id}`).fill(value);
    }
    await waitForTop(page, ['iris-fp32-bars', 'iris-int8-bars'], 'virginica');
    expect(await top(page, 'iris-fp32-bars')).toBe('virginica');
    expect(await top(page, 'iris-int8-bars')).toBe('virginica');
    await page.locator('#iris').screenshot({ path: join(artifacts, 'demo-app-iris.png') });
  });

  it('draws the OCR line as typed and says how to serve the OCR models when models/ alone is served', async () => {
    // This server serves models/ only; e2e/ocr.e2e.ts runs the panel with the OCR models served.
    await page.waitForFunction(() => document.getElementById('ocr')?.dataset.ready === 'false', undefined, {
      timeout: 20_000,
    });
    expect(await page.locator('#ocr-status').textContent()).toMatch(
      /OCR models are not served here.*npm start/,
    );
    const width = () => page.locator('#ocr-canvas').evaluate((c) => (c as HTMLCanvasElement).width);
    const before = await width();
    await page.fill('#ocr-text', 'HELLO 123 HELLO 123');
    expect(await width()).toBeGreaterThan(before);
    // Black text on white: the drawn line has dark pixels.
    const dark = await page.locator('#ocr-canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) n++;
      return n;
    });
    expect(dark).toBeGreaterThan(100);
  });

  it('reloads with the network cut off and still predicts', async () => {
    // The service worker must control the page (and have precached the shell and runtime) first.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 30_000,
    });
    await context.setOffline(true);
    offline = true;
    try {
      const started = Date.now();
      await page.reload();
      await page.waitForSelector('#iris[data-predictions]', { timeout: 60_000 });
      report.offlineReloadFirstPredictionMs = Date.now() - started;
      await page.waitForSelector('#iris[data-ready="true"]', { timeout: 60_000 });
      await page.waitForSelector('#mnist[data-ready="true"]', { timeout: 60_000 });
      // The page came from the service worker: the server itself is out of reach.
      const reach = await page.evaluate(() =>
        fetch('/healthz').then(
          () => 'reached',
          () => 'unreachable',
        ),
      );
      expect(reach).toBe('unreachable');
      await waitForTop(page, ['iris-fp32-bars', 'iris-int8-bars'], 'versicolor');
      expect(await top(page, 'iris-fp32-bars')).toBe('versicolor');
      const { label, pixels } = await heldOutDigit(DIGIT);
      await drawDigit(page, '#mnist-canvas', pixels);
      await waitForTop(page, ['mnist-fp32-bars', 'mnist-int8-bars'], String(label));
      expect(await top(page, 'mnist-fp32-bars')).toBe(String(label));
      expect(await top(page, 'mnist-int8-bars')).toBe(String(label));
      await page.screenshot({ path: join(artifacts, 'demo-app-offline.png'), fullPage: true });
    } finally {
      await context.setOffline(false);
      offline = false;
    }
  });

  it('simulates 500 users against the server and renders the plots and the verdict', async () => {
    await page.reload();
    await page.waitForSelector('#sim-experiment option[value="iris-quantization-bandit"]', {
      state: 'attached',
      timeout: 30_000,
    });
    await page.selectOption('#sim-experiment', 'iris-quantization-bandit');
    await page.fill('#sim-users', '500');
    await page.click('#sim-run');
    await page.waitForSelector('#sim-plots[data-state="done"], #sim-plots[data-state="failed"]', {
      timeout: 60_000,
    });
    const status = await page.locator('#sim-status').textContent();
    expect(await page.locator('#sim-plots').getAttribute('data-state'), status ?? '').toBe('done');
    expect(await page.locator('#sim-plots').getAttribute('data-users')).toBe('500');
    // Allocation and reward rate: a line per arm (3 each); difference from control: one per other arm.
    expect(await page.locator('#sim-plots svg.chart').count()).toBe(3);
    expect(await page.locator('#sim-plots svg.chart path[data-series]').count()).toBe(8);
    const verdict = await page.locator('#sim-verdict').textContent();
    expect(verdict).toMatch(/Verdict: /);
    // The server counted every simulated user's decision once, and the page shows those counts.
    const results = (await (
      await fetch(`${server.url}/v1/experiments/iris-quantization-bandit/results`)
    ).json()) as ExperimentResults;
    expect(results.unit).toBe('decisions');
    expect(results.arms.reduce((s, a) => s + a.decisions, 0)).toBe(500);
    expect(results.arms.reduce((s, a) => s + a.events.exposures, 0)).toBe(500);
    const shown = await page
      .locator('#sim-verdict table.arm-table tbody tr td:nth-child(2)')
      .allTextContents();
    expect(shown.map(Number).reduce((s, n) => s + n, 0)).toBe(500);
    await page.locator('#experiments').screenshot({ path: join(artifacts, 'demo-app-simulator.png') });
    expect(problems).toEqual([]);
  });
});
