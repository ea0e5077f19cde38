// The SDK as an outsider gets it: npm pack of the packages, a fresh Vite app installed from the
// tarballs, `vite build` under base '/app/', served from that sub-path, run in Chromium, then reloaded
// with the server gone. Prints the tarball, install and runtime sizes next to the ones before.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './harness/chromium.js';
import {
  buildApp,
  diskKiB,
  installApp,
  listFiles,
  packWorkspace,
  type Tarball,
} from './harness/packed-app.js';
import { demoModels, repoRoot } from './harness/paths.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

interface Baseline {
  tarballs: Record<string, { size: number; unpackedSize: number }>;
  installKiB: number;
  emittedRuntimeBytes: number;
  evalWarnings: number;
}

const KiB = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

describe('the packed SDK in an outside Vite app', () => {
  let dir: string;
  let tarballs: Tarball[];
  let buildLog: string;
  let dist: Map<string, number>;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-packed-app-'));
    tarballs = packWorkspace(join(dir, 'tarballs'));
    // The SDK and what it depends on from us; on the registry npm would fetch @edgewise/protocol itself.
    const install = installApp(join(dir, 'app'), tarballs, ['@edgewise/sdk', '@edgewise/protocol']);
    measured.installMs = install.ms;
    measured.installKiB = diskKiB(join(dir, 'app/node_modules'));
    buildLog = buildApp(join(dir, 'app'));
    dist = listFiles(join(dir, 'app/dist'));
    measured.emittedRuntimeBytes = [...dist]
      .filter(([path]) => path.startsWith('edgewise/'))
      .reduce((sum, [, size]) => sum + size, 0);
    server = await startStaticServer({
      mounts: { '/app/': join(dir, 'app/dist'), '/models/': demoModels },
      isolated: true,
    });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    const baseline = JSON.parse(
      await readFile(join(repoRoot, 'e2e/packed-app/baseline.json'), 'utf8'),
    ) as Baseline;
    const rows: Record<string, { before: string; after: string }> = {};
    for (const t of tarballs ?? []) {
      const before = baseline.tarballs[t.name];
      rows[`${t.name} packed / unpacked`] = {
        before: before ? `${KiB(before.size)} / ${KiB(before.unpackedSize)}` : '-',
        after: `${KiB(t.size)} / ${KiB(t.unpackedSize)}`,
      };
    }
    rows['install, ONNX-only app (du -sk node_modules)'] = {
      before: MiB(baseline.installKiB * 1024),
      after: `${MiB((measured.installKiB ?? 0) * 1024)} (npm install ${((measured.installMs ?? 0) / 1000).toFixed(1)} s)`,
    };
    rows['emitted runtime files (dist/edgewise)'] = {
      before: MiB(baseline.emittedRuntimeBytes),
      after: MiB(measured.emittedRuntimeBytes ?? 0),
    };
    rows['direct-eval warnings in vite build'] = {
      before: String(baseline.evalWarnings),
      after: String((buildLog?.match(/\[EVAL\]/g) ?? []).length),
    };
    console.table(rows);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs every package with README, LICENSE and types, without source maps', () => {
    expect(tarballs.map((t) => t.name).sort()).toEqual([
      '@edgewise/model-tools',
      '@edgewise/protocol',
      '@edgewise/sdk',
      '@edgewise/server',
      '@edgewise/stats',
    ]);
    for (const t of tarballs) {
      expect(t.files, t.name).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'dist/index.d.ts']));
      expect(
        t.files.filter((f) => f.endsWith('.map')),
        t.name,
      ).toEqual([]);
    }
    const sdk = tarballs.find((t) => t.name === '@edgewise/sdk')!;
    // The browser SDK plus the plugin (./vite), and nothing of the runtimes it loads at run time.
    expect(sdk.files.filter((f) => /tf-tflite|tf-core|litert_wasm|ort-wasm|ort\.min/.test(f))).toEqual([]);
    expect(sdk.unpackedSize).toBeLessThan(1024 * 1024);
  });

  it('installs from the tarballs with every dependency resolved and no TFLite runtime', async () => {
    const app = join(dir, 'app');
    // npm ls exits non-zero on a missing or invalid dependency anywhere in the tree.
    execFileSync('npm', ['ls', '--all', '--loglevel=error'], { cwd: app, stdio: 'ignore' });
    const installed = listFiles(join(app, 'node_modules/@edgewise'));
    expect([...installed.keys()].some((f) => f.startsWith('stats/'))).toBe(false);
    for (const peer of ['@litertjs/core', '@tensorflow/tfjs-tflite', '@tensorflow/tfjs-core']) {
      await expect(readFile(join(app, 'node_modules', peer, 'package.json')), peer).rejects.toThrow();
    }
  });

  it('builds ONNX-only under /app/edgewise/<hash>/, announced in the page, without an eval warning', async () => {
    const runtimes = [...dist.keys()].filter((f) => f.startsWith('edgewise/'));
    expect(runtimes.length).toBeGreaterThan(0);
    expect(runtimes.every((f) => /^edgewise\/[0-9a-f]{10}\/ort[^/]*\.(mjs|wasm)$/.test(f))).toBe(true);
    expect([...dist.keys()].filter((f) => /litert|tflite/i.test(f))).toEqual([]);
    const html = await readFile(join(dir, 'app/dist/index.html'), 'utf8');
    const hash = runtimes[0]!.split('/')[1];
    expect(html).toContain(`<meta name="edgewise-runtime-base" content="/app/edgewise/${hash}/">`);
    expect(dist.has('edgewise-sw.js')).toBe(true);
    expect(buildLog).not.toMatch(/\[EVAL\]|direct `eval`/);
  });

  it('loads iris by name with no runtimeBaseUrl and shows the prediction', async () => {
    await page.goto(`${server.url}/app/`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', null, {
      timeout: 60_000,
    });
    expect(await page.textContent('#status')).toBe('ran on wasm');
    // No backends in the config: WebGPU here is SwiftShader, which is never a default.
    expect(await page.getAttribute('#status', 'data-reason')).toMatch(/skipped webgpu: .*software renderer/);
    expect(await page.textContent('#result')).toMatch(/^setosa \d\.\d{3}$/);
    expect(server.requests.some((p) => /^\/app\/edgewise\/[0-9a-f]{10}\/ort\.wasm\.min\.mjs$/.test(p))).toBe(
      true,
    );
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('fails with WORKER_CRASHED, within the start bound, when the worker chunk is not served', async () => {
    const broken = join(dir, 'broken-dist');
    await cp(join(dir, 'app/dist'), broken, { recursive: true });
    const workers = [...dist.keys()].filter((f) => /(^|\/)worker-[^/]*\.js$/.test(f));
    expect(workers.length).toBe(1);
    for (const file of workers) await rm(join(broken, file));
    const other = await startStaticServer({
      mounts: { '/app/': broken, '/models/': demoModels },
      isolated: true,
    });
    const tab = await (await browser.newContext()).newPage();
    try {
      await tab.goto(`${other.url}/app/`);
      await tab.waitForFunction(
        () => document.getElementById('status')?.textContent?.startsWith('failed'),
        null,
        {
          timeout: 20_000,
        },
      );
      expect(await tab.textContent('#status')).toMatch(/^failed: WORKER_CRASHED .*worker chunk/);
      expect(Number(await tab.getAttribute('#status', 'data-failed-after-ms'))).toBeLessThan(15_000);
    } finally {
      await tab.close();
      await other.close();
    }
  });

  it('refuses a TFLite load in an app without LiteRT.js with an error that says what to install', async () => {
    const failure = await page.evaluate(() =>
      (window as unknown as { edgewise: { load(name: string, o: object): Promise<unknown> } }).edgewise
        .load('iris', { format: 'tflite' })
        .then(
          () => null,
          (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
        ),
    );
    expect(failure?.code).toBe('BACKEND_UNAVAILABLE');
    expect(failure?.message).toMatch(/install @litertjs\/core/);
  });

  it('reloads with the server stopped: the service worker starts the app and the cached model runs', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await server.close();
    await page.reload();
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== '', null, {
      timeout: 60_000,
    });
    expect(await page.textContent('#status')).toBe('ran on wasm');
    expect(await page.textContent('#result')).toMatch(/^setosa \d\.\d{3}$/);
  });
});
