// The demo's "is int8 as good as fp32?" experiment in Chromium, through the built SDK and its
// worker: two users in different arms fetch and run different files, each its arm's variant.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig, ModelManifest } from '@edgewise/sdk';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../packages/sdk/src/experiments/assign-arm.js';
import { launchChromium } from './harness/chromium.js';
import { defaultMounts, demoModels, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

type SdkWindow = { edgewise: typeof import('@edgewise/sdk') };
const KEY = 'mnist-int8-vs-fp32';

describe('the demo experiment compares files, not labels', () => {
  let browser: Browser;
  let server: StaticServer;
  let dir: string;
  let config: ExperimentConfig;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-experiment-'));
    const demo = JSON.parse(await readFile(join(repoRoot, 'packages/demo-app/experiments.json'), 'utf8')) as {
      experiments: Omit<ExperimentConfig, 'policyVersion'>[];
    };
    // Served as the server serves it: the demo's definitions plus a policy version.
    const served = demo.experiments.map((e) => ({ ...e, policyVersion: 1 }) as ExperimentConfig);
    config = served.find((e) => e.key === KEY)!;
    await writeFile(join(dir, 'experiments.json'), JSON.stringify({ experiments: served }));
    browser = await launchChromium();
    server = await startStaticServer({ mounts: { ...defaultMounts, '/config/': dir }, isolated: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('two users in different arms run different files, each the sha256 of its arm’s variant', async () => {
    const users: Record<string, string> = {};
    for (let i = 0; !(users.fp32 && users.int8); i++)
      users[assignArm(`user-${i}`, config).arm] ??= `user-${i}`;
    const manifest = JSON.parse(await readFile(join(demoModels, 'manifest.json'), 'utf8')) as ModelManifest;
    const mnist = manifest.models.mnist!.versions['1.0.0']!;
    const expectedSha: Record<string, string> = { fp32: mnist.sha256, int8: mnist.variants!.int8!.sha256 };

    const page = await browser.newPage();
    await page.goto(`${server.url}/inference/index.html`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    for (const arm of ['fp32', 'int8']) {
      const before = server.requests.length;
      const ran = await page.evaluate(
        async ({ userId, key }) => {
          const { Edgewise } = (window as unknown as SdkWindow).edgewise;
          const ew = await Edgewise.create({
            manifestUrl: '/models/manifest.json',
            experimentsUrl: '/config/experiments.json',
            userId,
          });
          const model = await ew.load('mnist', { experiment: key });
          const out = await model.predict({ input: new Float32Array(784) });
          const description = model.describe();
          await ew.close();
          return { description, dims: out.probabilities!.dims };
        },
        { userId: users[arm]!, key: KEY },
      );
      const files = server.requests.slice(before).filter((p) => p.endsWith('.onnx'));
      expect(ran.description).toMatchObject({ experiment: KEY, arm });
      expect(ran.description.sha256).toBe(expectedSha[arm]);
      expect(files).toEqual([`/models/${arm === 'int8' ? mnist.variants!.int8!.url : mnist.url}`]);
      expect(ran.dims).toEqual([1, 10]);
    }
    expect(expectedSha.fp32).not.toBe(expectedSha.int8);
    await page.close();
  });
});
