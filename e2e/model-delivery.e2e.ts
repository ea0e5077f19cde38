import { generateKeyPairSync } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyBase64, signManifest } from '../packages/sdk/scripts/sign-manifest.js';
import type { ModelManifest } from '../packages/sdk/src/models/manifest-types.js';
import type { Progress } from '../packages/sdk/src/models/progress.js';
import { realManifest, twoVersionManifest } from '../packages/sdk/test/models/helpers/manifests.js';
import type { DeliveryPage, LoadReport, LoadRequest } from './fixtures/delivery/page.js';
import { launchChromium } from './harness/chromium.js';
import { demoModels, fixtures } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

/**
 * Model delivery in Chromium: the SDK's ModelStore, bundled from source, against the repo's real
 * models served by the e2e static server. Requests are counted twice — by the server's log and by
 * Playwright's request events — and the network is cut with context.setOffline.
 */

const fixtureDir = join(fixtures, 'delivery');
const figures: Record<string, unknown> = {};
let browser: Browser;
let context: BrowserContext;
let server: StaticServer;
let pageDir: string;
let pageFiles: Map<string, { body: Buffer; type: string }>;

/** Manifests derived from models/manifest.json, served from /manifests/, pointing at /models/ files. */
function relocate(manifest: ModelManifest): ModelManifest {
  const copy = structuredClone(manifest);
  for (const entry of Object.values(copy.models)) {
    for (const version of Object.values(entry.versions)) {
      version.url = `../models/${version.url}`;
      for (const variant of Object.values(version.variants ?? {})) variant.url = `../models/${variant.url}`;
    }
  }
  return copy;
}

const { privateKey } = generateKeyPairSync('ed25519');
const publicKey = publicKeyBase64(privateKey);
const v2 = twoVersionManifest().models.iris?.versions['2.0.0'];
const v1 = realManifest().models.iris?.versions['1.0.0'];
const mnist = realManifest().models.mnist?.versions['1.0.0'];

beforeAll(async () => {
  pageDir = await mkdtemp(join(tmpdir(), 'edgewise-delivery-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { conditions: ['source', 'module', 'browser', 'production'] },
    build: {
      outDir: pageDir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      lib: { entry: join(fixtureDir, 'page.ts'), formats: ['es'], fileName: () => 'page.js' },
    },
  });
  await copyFile(join(fixtureDir, 'index.html'), join(pageDir, 'index.html'));
  await mkdir(join(pageDir, 'manifests'));
  const write = (name: string, manifest: ModelManifest) =>
    writeFile(join(pageDir, 'manifests', name), JSON.stringify(relocate(manifest)));
  await write('v1.json', twoVersionManifest('1.0.0'));
  await write('v2.json', twoVersionManifest('2.0.0'));
  await writeFile(
    join(pageDir, 'manifests', 'signed.json'),
    JSON.stringify(signManifest(relocate(twoVersionManifest('1.0.0')), privateKey, 'e2e')),
  );
  const tampered = signManifest(relocate(twoVersionManifest('1.0.0')), privateKey, 'e2e');
  tampered.models.iris!.versions['1.0.0']!.sha256 = v2!.sha256;
  await writeFile(join(pageDir, 'manifests', 'tampered.json'), JSON.stringify(tampered));
  pageFiles = new Map([
    ['/delivery/index.html', { body: await readFile(join(pageDir, 'index.html')), type: 'text/html' }],
    ['/delivery/page.js', { body: await readFile(join(pageDir, 'page.js')), type: 'text/javascript' }],
  ]);
  server = await startStaticServer({
    mounts: { '/delivery/': pageDir, '/manifests/': join(pageDir, 'manifests'), '/models/': demoModels },
    isolated: false,
  });
  browser = await launchChromium();
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (pageDir) await rm(pageDir, { recursive: true, force: true });
  console.log(
    `model delivery figures (Chromium ${browser?.version()}):\n${JSON.stringify(figures, null, 2)}`,
  );
});

async function openPage(): Promise<{ page: Page; requested: string[] }> {
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}/delivery/index.html`);
  await page.waitForFunction(() => 'delivery' in window);
  return { page, requested };
}

function load(page: Page, request: LoadRequest): Promise<LoadReport> {
  return page.evaluate((r) => (window as unknown as { delivery: DeliveryPage }).delivery.load(r), request);
}

function expectMonotonicToTotal(progress: Progress[]): void {
  for (const phase of ['download', 'verify'] as const) {
    const events = progress.filter((p) => p.phase === phase);
    for (let i = 1; i < events.length; i++) expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
    if (events.length) expect(events.at(-1)!.loaded).toBe(events.at(-1)!.total);
  }
  expect(progress.at(-1)?.loaded).toBe(progress.at(-1)?.total);
}

describe('model delivery in Chromium', () => {
  const mnistPath = `/models/${mnist!.url}`;

  it('loads a second time from IndexedDB with zero network requests for the model, and still verifies it', async () => {
    const { page, requested } = await openPage();
    const manifestUrl = `${server.url}/models/manifest.json`;
    const first = await load(page, { manifestUrl, cacheName: 'reload', name: 'mnist' });
    expect(first).toMatchObject({
      ok: true,
      source: 'network',
      version: '1.0.0',
      variantId: 'base',
      cached: true,
    });
    expect(first.sha256).toBe(mnist!.sha256);
    expect(first.progress.some((p) => p.phase === 'download')).toBe(true);
    expectMonotonicToTotal(first.progress);
    expect(server.requests.filter((p) => p === mnistPath)).toHaveLength(1);

    const before = { server: server.requests.length, page: requested.length };
    await page.reload();
    await page.waitForFunction(() => 'delivery' in window);
    const second = await load(page, { manifestUrl, cacheName: 'reload', name: 'mnist' });
    expect(second).toMatchObject({ ok: true, source: 'cache', manifestSource: 'network' });
    expect(second.sha256).toBe(mnist!.sha256);
    expect(second.progress.every((p) => p.phase === 'verify')).toBe(true);
    expectMonotonicToTotal(second.progress);
    expect(server.requests.slice(before.server).filter((p) => p.includes('mnist'))).toEqual([]);
    expect(requested.slice(before.page).filter((p) => p.includes('mnist'))).toEqual([]);

    const round = (ms: number) => Math.round(ms * 10) / 10;
    figures.mnistFp32 = {
      bytes: mnist!.bytes,
      firstLoadMs: round(first.ms),
      secondLoadMs: round(second.ms),
      manifestMs: [round(first.manifestMs), round(second.manifestMs)],
      firstProgressEvents: first.progress.length,
      firstProgress: first.progress,
      secondProgress: second.progress,
    };

    await page.close();
  });

  it('reloads offline and still gets the verified model and manifest from the cache', async () => {
    const { page } = await openPage();
    const manifestUrl = `${server.url}/models/manifest.json`;
    const online = await load(page, { manifestUrl, cacheName: 'offline', name: 'mnist' });
    expect(online).toMatchObject({ ok: true, source: 'network' });

    // Cut the network and reload. The page's own HTML and bundle are replayed from memory (a real PWA
    // has them from its service worker); the manifest and model requests meet the offline network.
    const afterOnline = server.requests.length;
    await context.setOffline(true);
    await page.route('**/delivery/**', (route) => {
      const file = pageFiles.get(new URL(route.request().url()).pathname);
      return file
        ? route.fulfill({ body: file.body, contentType: file.type })
        : route.abort('internetdisconnected');
    });
    try {
      await page.reload();
      await page.waitForFunction(() => 'delivery' in window);
      const probe = await page.evaluate(
        (url) =>
          fetch(url).then(
            () => 'reached',
            () => 'blocked',
          ),
        manifestUrl,
      );
      expect(probe).toBe('blocked');
      figures.navigatorOnLineWhenOffline = await page.evaluate(() => navigator.onLine);
      const offline = await load(page, { manifestUrl, cacheName: 'offline', name: 'mnist' });
      expect(offline).toMatchObject({ ok: true, source: 'cache', manifestSource: 'cache', version: '1.0.0' });
      expect(offline.sha256).toBe(mnist!.sha256);
      expect(offline.progress.at(-1)).toEqual({ loaded: mnist!.bytes, total: mnist!.bytes, phase: 'verify' });
      expect(offline.events.map((e) => e.type)).toEqual(['manifest-offline']);
      expect(server.requests.slice(afterOnline)).toEqual([]);
      const round = (ms: number) => Math.round(ms * 10) / 10;
      figures.offlineReload = { modelMs: round(offline.ms), savedManifestMs: round(offline.manifestMs) };
    } finally {
      await page.unroute('**/delivery/**');
      await context.setOffline(false);
      await page.close();
    }
  });

  it('never uses a model with one flipped byte: rolls back to the cached version, or fails with INTEGRITY', async () => {
    const { page } = await openPage();
    const good = await load(page, {
      manifestUrl: `${server.url}/manifests/v1.json`,
      cacheName: 'flip',
      name: 'iris',
    });
    expect(good).toMatchObject({ ok: true, version: '1.0.0', source: 'network' });

    const v2Url = `**/models/${v2!.url}`;
    const served = await readFile(join(demoModels, v2!.url));
    const flipped = Buffer.from(served);
    flipped[flipped.length >> 1]! ^= 0x01;
    let flippedServed = 0;
    await page.route(v2Url, (route) => {
      flippedServed++;
      return route.fulfill({ body: flipped, contentType: 'application/octet-stream' });
    });
    const upgraded = await load(page, {
      manifestUrl: `${server.url}/manifests/v2.json`,
      cacheName: 'flip',
      name: 'iris',
    });
    expect(flippedServed).toBe(1);
    expect(upgraded).toMatchObject({ ok: true, version: '1.0.0', rolledBackFrom: '2.0.0', source: 'cache' });
    expect(upgraded.sha256).toBe(v1!.sha256);
    expect(upgraded.events.map((e) => `${e.type} ${e.detail.version ?? e.detail.from}`)).toEqual([
      'integrity-failed 2.0.0',
      'rollback 2.0.0',
    ]);
    expect(upgraded.events[1]?.detail).toMatchObject({
      from: '2.0.0',
      to: '1.0.0',
      reason: 'integrity',
      error: 'INTEGRITY',
    });
    expect(upgraded.cachedVersions).toEqual(['iris@1.0.0']);

    const fresh = await load(page, {
      manifestUrl: `${server.url}/manifests/v2.json`,
      cacheName: 'flip-empty',
      name: 'iris',
    });
    expect(fresh).toMatchObject({ ok: false, error: { code: 'INTEGRITY' } });
    expect(fresh.sha256).toBeUndefined();
    expect(fresh.cachedVersions).toEqual([]);
    await page.unroute(v2Url);

    // A byte flipped in IndexedDB itself: dropped, fetched again, and the good bytes are used.
    await page.evaluate(
      ([key]) =>
        (window as unknown as { delivery: DeliveryPage }).delivery.corruptCached('flip', key as string),
      [good.cacheKey],
    );
    const refetched = await load(page, {
      manifestUrl: `${server.url}/manifests/v1.json`,
      cacheName: 'flip',
      name: 'iris',
    });
    expect(refetched).toMatchObject({ ok: true, version: '1.0.0', source: 'network' });
    expect(refetched.sha256).toBe(v1!.sha256);
    expect(refetched.events.map((e) => `${e.type} ${e.detail.source}`)).toEqual(['integrity-failed cache']);
    await page.close();
  });

  it('evicts the least recently used version on QuotaExceededError, and the load succeeds', async () => {
    const { page } = await openPage();
    const old = await load(page, {
      manifestUrl: `${server.url}/manifests/v1.json`,
      cacheName: 'quota',
      name: 'iris',
    });
    expect(old.cachedVersions).toEqual(['iris@1.0.0']);
    await page.reload();
    await page.waitForFunction(() => 'delivery' in window);
    const budget = v2!.bytes + 100;
    const next = await load(page, {
      manifestUrl: `${server.url}/manifests/v2.json`,
      cacheName: 'quota',
      name: 'iris',
      budget,
    });
    expect(next).toMatchObject({ ok: true, version: '2.0.0', source: 'network', cached: true, refusals: 1 });
    expect(next.sha256).toBe(v2!.sha256);
    expect(next.events).toEqual([{ type: 'evicted', detail: { version: '1.0.0', for: next.cacheKey } }]);
    expect(next.cachedVersions).toEqual(['iris@2.0.0']);
    figures.quota = { budget, evicted: 'iris@1.0.0', stored: 'iris@2.0.0' };
    await page.close();
  });

  it('accepts a manifest signed with the configured Ed25519 key and refuses a tampered one with INTEGRITY', async () => {
    const { page } = await openPage();
    const signed = await load(page, {
      manifestUrl: `${server.url}/manifests/signed.json`,
      cacheName: 'signed',
      name: 'iris',
      publicKey,
    });
    expect(signed).toMatchObject({ ok: true, version: '1.0.0' });
    const modelRequests = server.requests.length;
    const tampered = await load(page, {
      manifestUrl: `${server.url}/manifests/tampered.json`,
      cacheName: 'signed',
      name: 'iris',
      publicKey,
    });
    expect(tampered).toMatchObject({ ok: false, error: { code: 'INTEGRITY' } });
    expect(tampered.events.map((e) => `${e.type} ${e.detail.source}`)).toEqual(['integrity-failed manifest']);
    expect(server.requests.slice(modelRequests)).toEqual(['/manifests/tampered.json']);
    const unsigned = await load(page, {
      manifestUrl: `${server.url}/manifests/v1.json`,
      cacheName: 'signed',
      name: 'iris',
      publicKey,
    });
    expect(unsigned).toMatchObject({ ok: false, error: { code: 'INTEGRITY' } });
    await page.close();
  });
});
