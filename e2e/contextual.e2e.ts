// A contextual experiment end to end, in Chromium through the built SDK against the real server: two
// pages whose capabilities differ (one lets models run on WebGPU, one keeps them on WASM) are two
// device classes; each sends its users' decisions and simulated rewards (the fp32 variant converts on
// the GPU page, int8 on the WASM page); after a policy run the server serves each class different
// weights, the pages assign by their own class's weights, and the dashboard shows both.
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import { startCollector } from './harness/collector.js';
import { defaultMounts } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const WRITE_KEY = 'pk_contextual';
const ADMIN = 'contextual-admin';
const KEY = 'mnist-by-device';
const USERS_PER_PAGE = 12;

const experiment = {
  key: KEY,
  type: 'contextual',
  seed: 5,
  arms: [
    { name: 'fp32', model: 'mnist', version: '1.0.0', weight: 1 },
    { name: 'int8', model: 'mnist', version: '1.0.0', variant: 'int8', weight: 1 },
  ],
};

interface PageRun {
  deviceClass: string;
  arms: Record<string, number>;
  backends: string[];
}

/**
 * Runs in the page: USERS users each load the experiment's model, predict once and send a reward of
 * 1 when their arm is the page's `converts` arm, else 0. Passed as text so no bundler helper leaks in.
 */
const feedbackScript = (api: string, backends: string[], converts: string, prefix: string) => `(async () => {
  const { Edgewise } = window.edgewise;
  const ew = await Edgewise.create({
    manifestUrl: '/models/manifest.json',
    experimentsUrl: ${JSON.stringify(`${api}/v1/experiments`)},
    collectorUrl: ${JSON.stringify(`${api}/v1/events`)},
    writeKey: ${JSON.stringify(WRITE_KEY)},
    userId: 'nobody-yet',
    backends: ${JSON.stringify(backends)},
  });
  const arms = {};
  const used = new Set();
  for (let i = 0; i < ${USERS_PER_PAGE}; i++) {
    ew.userId = ${JSON.stringify(prefix)} + i;
    const model = await ew.load('mnist', { experiment: ${JSON.stringify(KEY)} });
    await model.predict({ input: new Float32Array(784) });
    const arm = model.describe().arm;
    used.add(model.describe().backend);
    arms[arm] = (arms[arm] || 0) + 1;
    await model.reward(arm === ${JSON.stringify(converts)} ? 1 : 0);
    await model.dispose();
  }
  await ew.flush();
  const deviceClass = await ew.deviceClass();
  await ew.close();
  return { deviceClass, arms, backends: [...used] };
})()`;

/** Runs in the page after the policy run: the weights this page's class is served, and where fresh users land. */
const servedScript = (api: string, backends: string[]) => `(async () => {
  const { Edgewise, assignArm } = window.edgewise;
  const ew = await Edgewise.create({
    experimentsUrl: ${JSON.stringify(`${api}/v1/experiments`)},
    backends: ${JSON.stringify(backends)},
  });
  const deviceClass = await ew.deviceClass();
  const list = await (await fetch(${JSON.stringify(`${api}/v1/experiments`)}, { cache: 'no-store' })).json();
  const config = list.experiments.find((e) => e.key === ${JSON.stringify(KEY)});
  const weights = config.contextWeights ? config.contextWeights[deviceClass] : undefined;
  const fresh = {};
  for (let i = 0; i < 400; i++) {
    const a = assignArm('fresh-' + i, config, { deviceClass });
    fresh[a.arm] = (fresh[a.arm] || 0) + 1;
  }
  await ew.close();
  return { deviceClass, weights, policyVersion: config.policyVersion, fresh };
})()`;

describe('a contextual bandit serves each device class its own weights', () => {
  let app: FastifyInstance;
  let api: string;
  let pages: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    pages = await startStaticServer({ mounts: defaultMounts, isolated: true });
    ({ app, api } = await startCollector({
      writeKey: WRITE_KEY,
      adminToken: ADMIN,
      origin: pages.url,
      experiments: [experiment],
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await pages?.close();
  });

  async function openPage(): Promise<Page> {
    // A context each: its own IndexedDB, as two devices have.
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${pages.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    return page;
  }

  it('pages with WebGPU on and off are different classes and, after feedback, get different weights', async () => {
    const gpu = { page: await openPage(), backends: ['webgpu', 'wasm'] };
    const cpu = { page: await openPage(), backends: ['wasm'] };
    const before = (await cpu.page.evaluate(servedScript(api, cpu.backends))) as {
      weights: number[] | undefined;
    };
    // Before any policy run there are no class weights: every class assigns by the arm weights.
    expect(before.weights).toBeUndefined();

    const gpuRun = (await gpu.page.evaluate(
      feedbackScript(api, gpu.backends, 'fp32', 'gpu-user-'),
    )) as PageRun;
    const cpuRun = (await cpu.page.evaluate(
      feedbackScript(api, cpu.backends, 'int8', 'cpu-user-'),
    )) as PageRun;
    // Naming WebGPU is how an app asks for the CI's software adapter: the models really ran there.
    expect(gpuRun.deviceClass).toMatch(/^webgpu/);
    expect(gpuRun.backends).toContain('webgpu');
    expect(cpuRun.deviceClass).toMatch(/^wasm-/);
    expect(cpuRun.backends).toEqual(['wasm']);
    // Both arms were tried on both pages under the initial, even weights.
    expect(Object.keys(gpuRun.arms).sort()).toEqual(['fp32', 'int8']);
    expect(Object.keys(cpuRun.arms).sort()).toEqual(['fp32', 'int8']);

    // The decisions reached the server with their classes.
    const contexts = (await (await fetch(`${api}/v1/experiments/${KEY}/contexts`)).json()) as {
      classes: { context: string; arms: { arm: string; decisions: number }[] }[];
    };
    const decisions = Object.fromEntries(
      contexts.classes.map((c) => [c.context, c.arms.reduce((s, a) => s + a.decisions, 0)]),
    );
    expect(decisions[gpuRun.deviceClass]).toBe(USERS_PER_PAGE);
    expect(decisions[cpuRun.deviceClass]).toBe(USERS_PER_PAGE);

    const policy = await fetch(`${api}/v1/experiments/${KEY}/policy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(policy.status, await policy.text()).toBe(200);

    const gpuServed = (await gpu.page.evaluate(servedScript(api, gpu.backends))) as {
      deviceClass: string;
      weights: number[];
      fresh: Record<string, number>;
    };
    const cpuServed = (await cpu.page.evaluate(servedScript(api, cpu.backends))) as typeof gpuServed;
    console.log(
      `[contextual] ${gpuServed.deviceClass}: weights ${gpuServed.weights.map((w) => w.toFixed(3))} (fp32, int8); ` +
        `${cpuServed.deviceClass}: ${cpuServed.weights.map((w) => w.toFixed(3))}`,
    );
    expect(gpuServed.weights[0]).toBeGreaterThan(0.8);
    expect(cpuServed.weights[1]).toBeGreaterThan(0.8);
    // Fresh users on each page land by their own class's weights.
    expect(gpuServed.fresh.fp32 ?? 0).toBeGreaterThan(300);
    expect(cpuServed.fresh.int8 ?? 0).toBeGreaterThan(300);

    // The dashboard shows both classes, a weights plot for each, and the off-policy comparison.
    const dashboard = await browser.newPage();
    await dashboard.goto(`${api}/dashboard`);
    await dashboard.waitForFunction(() => document.body.dataset.ready !== undefined);
    expect(await dashboard.textContent('#status')).toMatch(/^1 experiment$/);
    const section = dashboard.locator(`[data-experiment="${KEY}"]`);
    for (const c of [gpuServed.deviceClass, cpuServed.deviceClass]) {
      await expect(section.locator(`tr[data-context="${c}"]`).count()).resolves.toBe(1);
      await expect(section.locator(`[data-context-plot="${c}"] path[data-series]`).count()).resolves.toBe(2);
    }
    const weightCell = await section
      .locator(`tr[data-context="${cpuServed.deviceClass}"] td[data-col="weight-int8"]`)
      .textContent();
    expect(Number(weightCell)).toBeCloseTo(cpuServed.weights[1]!, 3);
    for (const policyName of ['current', 'fp32', 'int8']) {
      const row = section.locator(`tr[data-policy="${policyName}"]`);
      await expect(row.getAttribute('class')).resolves.toBeNull();
      expect(await row.locator('td[data-col="dr"]').textContent()).toMatch(/^-?\d\.\d{3} \[/);
    }
    // The greedy per-class candidate, fp32 on the GPU class and int8 on the WASM one, earns the most.
    const greedy = `tr[data-policy*="${gpuServed.deviceClass}:fp32,"][data-policy*="${cpuServed.deviceClass}:int8,"]`;
    const greedyDr = await section.locator(`${greedy} td[data-col="dr"]`).textContent();
    expect(Number(greedyDr!.split(' ')[0])).toBeGreaterThan(0.9);
  });
});
