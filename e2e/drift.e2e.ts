// Model monitoring end to end: in Chromium, the built SDK summarizes what MNIST sees and answers
// (never the pixels themselves) and sends the summaries; the baseline of each file comes from the
// `edgewise-models baseline` CLI run over the held-out digits against the real server. A page fed
// the digits as they are raises nothing; a page fed them with inverted colours raises a drift alert
// for its version on the dashboard.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ExperimentConfig } from '@edgewise/sdk';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../packages/sdk/src/experiments/assign-arm.js';
import { launchChromium } from './harness/chromium.js';
import { startCollector } from './harness/collector.js';
import { defaultMounts, demoModels, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const WRITE_KEY = 'pk_drift';
const ADMIN = 'drift-admin';
type SdkWindow = { edgewise: typeof import('@edgewise/sdk') };

const experiment = {
  key: 'mnist-drift',
  type: 'ab',
  seed: 21,
  arms: [
    // No variant: each device runs the file that suits it (on WASM, int8), and says which.
    { name: 'control', model: 'mnist', version: '1.0.0', weight: 1 },
    { name: 'int8', model: 'mnist', version: '1.0.0', variant: 'int8', weight: 1 },
  ],
};

function userIn(arm: string): string {
  const served = { ...experiment, policyVersion: 1 } as unknown as ExperimentConfig;
  for (let i = 0; ; i++) if (assignArm(`user-${i}`, served).arm === arm) return `user-${i}`;
}

const run = promisify(execFile);

describe('drift: summaries from devices against the version’s baseline', () => {
  let app: FastifyInstance;
  let api: string;
  let pages: StaticServer;
  let browser: Browser;
  let dir: string;
  let digits: number[][];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-drift-'));
    digits = (
      JSON.parse(await readFile(join(demoModels, 'expected/mnist.json'), 'utf8')) as { inputs: number[][] }
    ).inputs;
    pages = await startStaticServer({ mounts: defaultMounts, isolated: false });
    ({ app, api } = await startCollector({
      writeKey: WRITE_KEY,
      adminToken: ADMIN,
      origin: pages.url,
      experiments: [experiment],
      server: { modelsRoot: demoModels },
    }));
    // Each arm's file gets its baseline from the CLI, over the held-out digits.
    const csv = join(dir, 'heldout.csv');
    await writeFile(csv, `${digits.map((d) => d.join(',')).join('\n')}\n`);
    const cli = join(repoRoot, 'node_modules/.bin/edgewise-models');
    for (const [file, variant] of [
      ['mnist.fp32.onnx', undefined],
      ['mnist.int8.onnx', 'int8'],
    ] as const) {
      const { stdout } = await run(cli, [
        'baseline',
        join(demoModels, 'mnist/1.0.0', file),
        csv,
        '--name',
        'mnist',
        '--version',
        '1.0.0',
        ...(variant ? ['--variant', variant] : []),
        '--server',
        api,
        '--token',
        ADMIN,
      ]);
      expect(stdout).toMatch(/stored the baseline of mnist@1.0.0/);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await pages?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function predictOn(arm: string, invert: boolean): Promise<{ arm?: string; variant?: string }> {
    const page = await browser.newPage();
    await page.goto(`${pages.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const loaded = await page.evaluate(
      async ({ api, key, userId, writeKey, digits, invert }) => {
        const { Edgewise } = (window as unknown as SdkWindow).edgewise;
        const ew = await Edgewise.create({
          manifestUrl: '/models/manifest.json',
          experimentsUrl: `${api}/v1/experiments`,
          collectorUrl: `${api}/v1/events`,
          writeKey,
          userId,
          backends: ['wasm'],
          events: { flushIntervalMs: 200 },
        });
        const model = await ew.load('mnist', {
          experiment: key,
          monitor: { inputs: ['input'], outputs: { probabilities: 'classes' }, every: 24 },
        });
        for (let pass = 0; pass < 3; pass++) {
          for (const d of digits) {
            const input = Float32Array.from(d, (x) => (invert ? 1 - x : x));
            await model.predict({ input });
          }
        }
        const described = model.describe();
        await ew.flush();
        await ew.close();
        return { arm: described.arm, variant: described.variant };
      },
      { api, key: experiment.key, userId: userIn(arm), writeKey: WRITE_KEY, digits, invert },
    );
    await page.close();
    return loaded;
  }

  it('flags the version whose devices see inverted digits, and not the one whose devices see plain ones', async () => {
    const control = await predictOn('control', false);
    expect(control.arm).toBe('control');
    expect(await predictOn('int8', true)).toMatchObject({ arm: 'int8', variant: 'int8' });

    const drift = (await (await fetch(`${api}/v1/experiments/${experiment.key}/drift`)).json()) as {
      arms: {
        arm: string;
        summaries: number;
        livePredictions: number;
        report?: { drifted: boolean; measures: { name: string; drifted: boolean; psi: number }[] };
      }[];
    };
    const calm = drift.arms.filter((a) => a.arm === 'control');
    const int8 = drift.arms.find((a) => a.arm === 'int8');
    console.info(
      `[drift] ${JSON.stringify(drift.arms.map((a) => ({ arm: a.arm, summaries: a.summaries, measures: a.report?.measures.map((m) => [m.name, Number(m.psi.toFixed(3)), m.drifted]) })))}`,
    );
    // 72 predictions each, in summaries of 24.
    // The control page's summaries are compared with the baseline of the file it ran.
    expect(calm).toEqual([
      expect.objectContaining({
        variant: control.variant ?? null,
        summaries: 3,
        livePredictions: 72,
        report: expect.objectContaining({ drifted: false }),
      }),
    ]);
    expect(int8).toMatchObject({ summaries: 3, livePredictions: 72, report: { drifted: true } });
    expect(int8?.report?.measures.find((m) => m.name === 'inputs.input')?.drifted).toBe(true);

    const dashboard = await browser.newPage();
    await dashboard.goto(`${api}/dashboard`);
    await dashboard.waitForSelector('body[data-ready="true"]');
    const alert = dashboard.locator('[data-drift-alert="int8"]');
    await expect(alert.getAttribute('data-version')).resolves.toBe('mnist@1.0.0/int8');
    expect(await alert.textContent()).toMatch(
      /Drift: arm int8 \(mnist@1\.0\.0, int8\) over 72 predictions: inputs\.input/,
    );
    expect(await dashboard.locator('[data-drift-alert="control"]').count()).toBe(0);
    expect(
      await dashboard.locator('tr[data-drift-arm="control"][data-drifted="false"]').count(),
    ).toBeGreaterThan(0);
    expect(await dashboard.locator('tr[data-drift-arm="control"][data-drifted="true"]').count()).toBe(0);
    expect(await dashboard.locator('[data-plot="drift-psi"] rect').count()).toBeGreaterThan(0);
    await dashboard.close();
  });
});
