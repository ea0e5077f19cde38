import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventQueueStats } from '../packages/sdk/src/events/index.js';
import { buildEventsPage } from './fixtures/events/build-page.js';
import { startCollector } from './fixtures/events/collector-process.js';
import { startFaultProxy } from './fixtures/events/fault-proxy.js';
import { launchChromium } from './harness/chromium.js';
import { fixtures, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const WRITE_KEY = 'pk_e2e_events';
const EXPERIMENT = 'e2e-delivery';
const TOTAL = 2000;
const CHUNK = 100;
// After which chunk of 100 rewards the network or the page changes (chunks 4-5 and 11-12 are made offline).
const PLAN: Record<number, 'offline' | 'online' | 'reload'> = {
  3: 'offline',
  5: 'online',
  7: 'reload',
  10: 'offline',
  12: 'online',
  14: 'reload',
  17: 'reload',
};

/** Calls one of the hooks fixtures/events/page-entry.ts puts on `window.edgewiseEvents`. */
function call<T>(page: Page, hook: 'generate' | 'stats' | 'errors', ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([name, values]) => {
      const hooks = (window as unknown as { edgewiseEvents: Record<string, (...a: unknown[]) => unknown> })
        .edgewiseEvents;
      return hooks[name as string]!(...(values as unknown[]));
    },
    [hook, args] as const,
  ) as Promise<T>;
}
const stats = (page: Page) => call<EventQueueStats>(page, 'stats');
const pageErrors = (page: Page) => call<string[]>(page, 'errors');

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe('event delivery through a faulty network, in Chromium, to the real collector', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let bundleDir: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let pages: StaticServer;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    bundleDir = await buildEventsPage();
    collector = await startCollector({
      writeKey: WRITE_KEY,
      experimentsFile: join(fixtures, 'events/experiments.json'),
    });
    pages = await startStaticServer({
      mounts: { '/': join(fixtures, 'events'), '/bundle/': bundleDir },
      isolated: false,
    });
    proxy = await startFaultProxy({
      collectorUrl: collector.url,
      staticUrl: pages.url,
      failureRate: 0.3,
      seed: 2026,
    });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await proxy?.close();
    await pages?.close();
    await collector?.close();
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    await mkdir(join(repoRoot, 'e2e/artifacts'), { recursive: true });
    await writeFile(
      join(repoRoot, 'e2e/artifacts/event-delivery.json'),
      `${JSON.stringify(report, null, 2)}\n`,
    );
  });

  function storedIds(): Set<string> {
    const db = new Database(collector.dbPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT id FROM events WHERE experiment = ?').all(EXPERIMENT) as {
        id: string;
      }[];
      return new Set(rows.map((r) => r.id));
    } finally {
      db.close();
    }
  }

  async function openPage(): Promise<void> {
    await page.goto(`${proxy.url}/index.html?key=${WRITE_KEY}&experiment=${EXPERIMENT}`);
    await page.waitForFunction(() => 'edgewiseEvents' in window);
  }

  it('counts exactly 2,000 distinct rewards despite 30% failed requests, two offline periods and three reloads', async () => {
    const queue = { sent: 0, retries: 0, rejected: 0, dropped: 0 };
    const addStats = (s: EventQueueStats) => {
      queue.sent += s.sent;
      queue.retries += s.retries;
      queue.rejected += s.rejected;
      queue.dropped = s.dropped; // persistent in IndexedDB, not per page
    };
    const pendingWhenBackOnline: number[] = [];
    const errors: string[] = [];
    const generated: string[] = [];
    await openPage();

    for (let chunk = 0; chunk < TOTAL / CHUNK; chunk++) {
      generated.push(...(await call<string[]>(page, 'generate', CHUNK, chunk * CHUNK)));
      const step = PLAN[chunk];
      if (step === 'offline') await context.setOffline(true);
      if (step === 'online') {
        // Nothing could leave while offline: the rewards made meanwhile are all still queued.
        pendingWhenBackOnline.push((await stats(page)).pending);
        await context.setOffline(false);
      }
      if (step === 'reload') {
        addStats(await stats(page));
        errors.push(...(await pageErrors(page)));
        await page.reload();
        await page.waitForFunction(() => 'edgewiseEvents' in window);
      }
    }

    await waitUntil('the collector to hold every reward', async () => storedIds().size >= TOTAL);
    await waitUntil('the page queue to drain', async () => (await stats(page)).pending === 0);
    addStats(await stats(page));
    errors.push(...(await pageErrors(page)));

    const stored = storedIds();
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const ingested = Number(/^edgewise_events_ingested_total (\d+)/m.exec(metrics)?.[1]);
    const duplicates = Number(/^edgewise_events_duplicates_dropped_total (\d+)/m.exec(metrics)?.[1]);
    Object.assign(report, {
      generated: generated.length,
      storedDistinct: stored.size,
      serverIngested: ingested,
      serverDuplicatesDropped: duplicates,
      proxy: proxy.stats,
      queue,
      pendingWhenBackOnline,
      errors,
    });

    expect(new Set(generated).size).toBe(TOTAL);
    expect(stored.size).toBe(TOTAL);
    expect([...stored].sort()).toEqual([...generated].sort());
    expect(ingested).toBe(TOTAL);
    expect(proxy.stats.collectorAccepted).toBe(TOTAL);
    // The faults really happened, including batches stored whose acknowledgement was lost.
    expect(proxy.stats.injected503).toBeGreaterThan(0);
    expect(proxy.stats.resetBeforeCollector).toBeGreaterThan(0);
    expect(proxy.stats.resetAfterCollector).toBeGreaterThan(0);
    expect(duplicates).toBeGreaterThan(0);
    expect(pendingWhenBackOnline.every((n) => n >= 2 * CHUNK)).toBe(true);
    // Nothing was dropped or rejected on the way, and the collector never saw a malformed batch.
    expect(queue).toMatchObject({ rejected: 0, dropped: 0 });
    expect(proxy.stats.collectorErrors).toBe(0);
    expect(errors).toEqual([]);
  });

  it.each(['keepalive', 'beacon'] as const)(
    'hands unsent events to a %s request when the page goes away, before any batch timer fires',
    async (exit) => {
      const clean = await startFaultProxy({
        collectorUrl: collector.url,
        staticUrl: pages.url,
        failureRate: 0,
        seed: 1,
      });
      const leaving = await browser.newContext();
      try {
        const tab = await leaving.newPage();
        // A batch far larger than what is made and an hour-long interval: only the page leaving sends them.
        await tab.goto(
          `${clean.url}/index.html?key=${WRITE_KEY}&experiment=${EXPERIMENT}&batchSize=500&flushIntervalMs=3600000&exit=${exit}`,
        );
        await tab.waitForFunction(() => 'edgewiseEvents' in window);
        const ids = await call<string[]>(tab, 'generate', 30, 5000);
        expect((await stats(tab)).pending).toBe(30);
        expect(clean.stats.eventPosts).toBe(0);

        await tab.goto('about:blank');
        await waitUntil(`the ${exit} request to deliver`, async () => ids.every((id) => storedIds().has(id)));
        expect(clean.stats.eventPosts).toBe(1);
        report[`exit-${exit}`] = { events: ids.length, requests: clean.stats.eventPosts };
      } finally {
        await leaving.close();
        await clean.close();
      }
    },
  );
});
