// Where a predict call's main-thread time goes: Chromium's CPU profiler (over CDP) on the bench page
// while Edgewise runs single MNIST predictions, self time per function in µs per call, and the same
// for a bare worker echoing the same payload. Not a row of `npm run bench` (profiling slows what it
// watches); `npx tsx bench/predict-profile.ts` prints the table and writes
// bench/results/predict-profile-<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { launchChromium } from '../e2e/harness/chromium.js';
import { repoRoot } from '../e2e/harness/paths.js';
import { startStaticServer } from '../e2e/harness/static-server.js';
import { openBenchPage } from './bench-page.js';
import { benchMounts } from './mounts.js';

const CALLS = 3000;
const MODEL = '/models/mnist/1.0.0/mnist.fp32.onnx';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

type BenchWindow = {
  bench: {
    open(o: object): Promise<{ id: number }>;
    round(id: number, singles: number, batches: number): Promise<unknown>;
  };
};

/** Self time per function, in µs per call, over `CALLS` single predictions of one contender. */
async function profile(page: Page, contender: string): Promise<{ name: string; usPerCall: number }[]> {
  const { id } = await page.evaluate((o) => (window as unknown as BenchWindow).bench.open(o), {
    contender,
    modelUrl: MODEL,
    format: 'onnx',
    kind: 'mnist',
    backend: 'wasm',
    threads: 1,
    batchSize: 1,
  });
  await page.evaluate((i) => (window as unknown as BenchWindow).bench.round(i, 300, 0), id);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.evaluate(([i, n]) => (window as unknown as BenchWindow).bench.round(i, n, 0), [
    id,
    CALLS,
  ] as const);
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  const nodes = new Map((profile.nodes as ProfileNode[]).map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((sample, i) => {
    const frame = nodes.get(sample)!.callFrame;
    const file = frame.url.split('/').pop() || '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  return [...self]
    .map(([name, us]) => ({ name, usPerCall: us / CALLS }))
    .sort((a, b) => b.usPerCall - a.usPerCall);
}

const browser = await launchChromium();
const server = await startStaticServer({ mounts: benchMounts, isolated: true });
const results: Record<string, { name: string; usPerCall: number }[]> = {};
try {
  for (const contender of ['edgewise', 'ort-proxy', 'echo']) {
    const page = await openBenchPage(browser, server.url);
    results[contender] = await profile(page, contender);
    await page.close();
  }
} finally {
  await server.close();
  await browser.close();
}

for (const [contender, rows] of Object.entries(results)) {
  const busy = rows.filter((r) => r.name !== '(idle)' && r.name !== '(program)');
  const total = busy.reduce((n, r) => n + r.usPerCall, 0);
  console.log(
    `\n${contender}: main thread busy ${total.toFixed(1)} µs per call (idle and (program) left out), top functions:`,
  );
  for (const r of busy.slice(0, 12)) console.log(`  ${r.usPerCall.toFixed(1).padStart(7)} µs  ${r.name}`);
}
const out = join(repoRoot, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `predict-profile-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), calls: CALLS, model: MODEL, results }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
