// Guardrails end to end, in Chromium through the built SDK and its worker against the real server:
// a treatment whose graph is genuinely slow breaches latency_p95, one whose graph traps the WASM
// runtime breaches crash_rate; the server stops each arm, and the page moves its user to control
// at the next refresh without a reload.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig } from '@edgewise/sdk';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../packages/sdk/src/experiments/assign-arm.js';
import { slowIris, trappingIris } from './fixtures/guardrails/fixture-models.js';
import { launchChromium } from './harness/chromium.js';
import { startCollector } from './harness/collector.js';
import { defaultMounts, demoModels } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const WRITE_KEY = 'pk_guardrails';
const ADMIN = 'guardrails-admin';
type SdkWindow = { edgewise: typeof import('@edgewise/sdk') };

const io = {
  inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 4] }],
  outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['batch', 3] }],
};

async function writeManifest(dir: string): Promise<void> {
  const files: Record<string, Uint8Array> = {
    '1.0.0': new Uint8Array(await readFile(join(demoModels, 'iris/1.0.0/iris.fp32.onnx'))),
    '1.0.0-slow': slowIris(),
    '1.0.0-trap': trappingIris(),
  };
  const versions: Record<string, object> = {};
  for (const [version, bytes] of Object.entries(files)) {
    await writeFile(join(dir, `iris-${version}.onnx`), bytes);
    versions[version] = {
      url: `iris-${version}.onnx`,
      format: 'onnx',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.byteLength,
      quantization: 'fp32',
      ...io,
      createdAt: '2026-12-01T00:00:00.000Z',
      status: 'approved',
    };
  }
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({
      schemaVersion: 1,
      generatedAt: '2026-12-01T00:00:00.000Z',
      models: { iris: { channels: { stable: '1.0.0' }, versions } },
    }),
  );
}

const experiments = [
  {
    key: 'iris-slow',
    type: 'ab',
    seed: 11,
    arms: [
      { name: 'control', model: 'iris', version: '1.0.0', weight: 1 },
      { name: 'slow', model: 'iris', version: '1.0.0-slow', weight: 1 },
    ],
    // Twice control's p95 at most; control needs 10 samples for its p95 to count.
    guardrails: [{ metric: 'latency_p95', maxRelativeIncrease: 1, minSamples: 10 }],
  },
  {
    key: 'iris-trap',
    type: 'ab',
    seed: 12,
    arms: [
      { name: 'control', model: 'iris', version: '1.0.0', weight: 1 },
      { name: 'trap', model: 'iris', version: '1.0.0-trap', weight: 1 },
    ],
    guardrails: [{ metric: 'crash_rate', maxAbsolute: 0.05, minSamples: 2 }],
  },
];

/** The first user id (user-0, user-1, …) the experiment puts in `arm`. */
function userIn(experiment: (typeof experiments)[number], arm: string): string {
  const served = { ...experiment, policyVersion: 1 } as unknown as ExperimentConfig;
  for (let i = 0; ; i++) if (assignArm(`user-${i}`, served).arm === arm) return `user-${i}`;
}

describe('guardrails stop a failing arm and devices move to control without a reload', () => {
  let app: FastifyInstance;
  let api: string;
  let pages: StaticServer;
  let browser: Browser;
  let dir: string;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-guardrails-'));
    await mkdir(dir, { recursive: true });
    await writeManifest(dir);
    // Not isolated: one WASM thread, so the trap happens on the worker's own thread.
    pages = await startStaticServer({ mounts: { ...defaultMounts, '/guard/': dir }, isolated: false });
    ({ app, api } = await startCollector({
      writeKey: WRITE_KEY,
      adminToken: ADMIN,
      origin: pages.url,
      experiments,
    }));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${pages.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await page.evaluate(() => {
      (window as unknown as { loadedAt: number }).loadedAt = performance.timeOrigin;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await pages?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function served(key: string) {
    const list = (await (await fetch(`${api}/v1/experiments`)).json()) as { experiments: ExperimentConfig[] };
    return list.experiments.find((e) => e.key === key)!;
  }

  it('a slow treatment breaches latency_p95: the arm stops, the page moves its user to control, the dashboard says why', async () => {
    const [slowExperiment] = experiments;
    const users = { control: userIn(slowExperiment!, 'control'), slow: userIn(slowExperiment!, 'slow') };
    const before = await page.evaluate(
      async ({ api, key, users, writeKey }) => {
        const { Edgewise } = (window as unknown as SdkWindow).edgewise;
        const w = window as unknown as Record<string, unknown>;
        const open = async (userId: string) => {
          const ew = await Edgewise.create({
            manifestUrl: '/guard/manifest.json',
            experimentsUrl: `${api}/v1/experiments`,
            collectorUrl: `${api}/v1/events`,
            writeKey,
            userId,
            backends: ['wasm'],
            refresh: { intervalMs: 500 },
            events: { flushIntervalMs: 200 },
          });
          const notices: unknown[] = [];
          ew.on((n) => {
            if (n.type === 'assignment-changed') notices.push(n);
          });
          const model = await ew.load('iris', { experiment: key });
          // Read now: the refresh timer may move the user as soon as the guardrail fires.
          return { ew, model, notices, loaded: model.describe() };
        };
        const a = await open(users.control);
        const b = await open(users.slow);
        w.slowUser = b;
        const input = { input: new Float32Array([5.1, 3.5, 1.4, 0.2]) };
        for (let i = 0; i < 12; i++) {
          await a.model.predict(input);
          await b.model.predict(input);
        }
        await a.ew.flush();
        await b.ew.flush();
        await a.ew.close();
        return { control: a.loaded.arm, slow: b.loaded };
      },
      { api, key: 'iris-slow', users, writeKey: WRITE_KEY },
    );
    expect(before.control).toBe('control');
    expect(before.slow).toMatchObject({ arm: 'slow', version: '1.0.0-slow' });

    const stopped = (await served('iris-slow')).arms[1]!.stopped;
    expect(stopped).toMatchObject({ by: 'guardrail', metric: 'latency_p95' });
    expect(stopped!.reason).toMatch(/latency_p95/);

    // The same page, never reloaded: the refresh timer moves the user and the model runs control.
    const after = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const b = w.slowUser as {
        ew: { close(): Promise<void> };
        model: { describe(): { arm?: string; version: string }; predict(i: object): Promise<object> };
        notices: unknown[];
      };
      const deadline = Date.now() + 15_000;
      while (b.model.describe().version !== '1.0.0' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const t0 = performance.now();
      await b.model.predict({ input: new Float32Array([5.1, 3.5, 1.4, 0.2]) });
      const ms = performance.now() - t0;
      const result = {
        description: b.model.describe(),
        notices: b.notices,
        ms,
        loadedAt: performance.timeOrigin,
      };
      await b.ew.close();
      return result;
    });
    expect(after.description).toMatchObject({ version: '1.0.0', arm: undefined });
    expect(after.notices).toEqual([
      { type: 'assignment-changed', experiment: 'iris-slow', from: 'slow', to: null },
    ]);
    expect(after.loadedAt).toBe(
      await page.evaluate(() => (window as unknown as { loadedAt: number }).loadedAt),
    );

    const dashboard = await browser.newPage();
    await dashboard.goto(`${api}/dashboard`);
    await dashboard.waitForFunction(() => document.body.innerText.includes('latency_p95'), undefined, {
      timeout: 15_000,
    });
    const text = await dashboard.evaluate(() => document.body.innerText);
    expect(text).toMatch(/stopped/i);
    expect(text).toContain(stopped!.reason);
    await dashboard.close();
  });

  it('a model that traps its runtime crash-loops the worker: crash_rate stops that arm', async () => {
    const [, trapExperiment] = experiments;
    const userId = userIn(trapExperiment!, 'trap');
    const ran = await page.evaluate(
      async ({ api, key, userId, writeKey }) => {
        const { Edgewise } = (window as unknown as SdkWindow).edgewise;
        const ew = await Edgewise.create({
          manifestUrl: '/guard/manifest.json',
          experimentsUrl: `${api}/v1/experiments`,
          collectorUrl: `${api}/v1/events`,
          writeKey,
          userId,
          backends: ['wasm'],
          refresh: { intervalMs: 0 },
        });
        const restarts: string[] = [];
        ew.on((n) => {
          if (n.type === 'worker-restarted') restarts.push(n.reason);
        });
        const model = await ew.load('iris', { experiment: key });
        const arm = model.describe().arm;
        let code: string | undefined;
        // One call: it traps, the host restarts the worker and retries it once, it traps again (two
        // crashes), and it fails with WORKER_CRASHED; a second call would take the host past its
        // give-up threshold (more than 3 restarts in 10 s).
        try {
          await model.predict({ input: new Float32Array([5.1, 3.5, 1.4, 0.2]) });
        } catch (error) {
          code = (error as { code?: string }).code;
        }
        const settle = Date.now() + 10_000;
        while (restarts.length < 2 && Date.now() < settle) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 300));
        await ew.flush();
        const moved = await ew.refresh();
        const result = {
          arm,
          code,
          restarts,
          moved,
          after: model.describe(),
        };
        await ew.close();
        return result;
      },
      { api, key: 'iris-trap', userId, writeKey: WRITE_KEY },
    );
    expect(ran.arm).toBe('trap');
    expect(ran.code).toBe('WORKER_CRASHED');
    expect(ran.restarts.length).toBeGreaterThanOrEqual(2);
    expect(ran.restarts[0]).toMatch(/divide result unrepresentable/);
    const stopped = (await served('iris-trap')).arms[1]!.stopped;
    expect(stopped).toMatchObject({ by: 'guardrail', metric: 'crash_rate' });
    expect(ran.moved).toBe(1);
    expect(ran.after).toMatchObject({ version: '1.0.0', arm: undefined });
  });
});
