// `npm run bench`: Silero VAD v5 per-frame latency on each backend in headless Chromium, side by side with
// onnxruntime-web in Node in the same run. Prints a table and writes bench/results/silero-<date>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { makeFrames, runSilero } from '../e2e/fixtures/silero/signal.js';
import { launchChromium } from '../e2e/harness/chromium.js';
import { defaultMounts, repoRoot, vadDist } from '../e2e/harness/paths.js';
import { runSileroInWorker } from '../e2e/harness/silero-page.js';
import { startStaticServer } from '../e2e/harness/static-server.js';
import { summarize } from './stats.js';

const FRAMES = 200;
const WARMUP = 10;

ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(`${vadDist}/silero_vad_v5.onnx`);
const frames = makeFrames(FRAMES + WARMUP);

const browser = await launchChromium();
const server = await startStaticServer({ mounts: defaultMounts, isolated: true });
const variants = [
  { name: 'chromium wasm 1 thread', backend: 'wasm', numThreads: 1 },
  { name: 'chromium wasm 2 threads', backend: 'wasm', numThreads: 2 },
  { name: 'chromium webgpu (SwiftShader here)', backend: 'webgpu', numThreads: 1 },
] as const;

const rows: { name: string; median: number; p95: number; n: number }[] = [];
try {
  // Interleave Node and browser rounds so drift on a noisy machine hits every variant alike.
  const samples = new Map<string, number[]>();
  for (let round = 0; round < 2; round++) {
    const node = await runSilero(ort, session, frames);
    samples.set('node onnxruntime-web wasm (baseline)', [
      ...(samples.get('node onnxruntime-web wasm (baseline)') ?? []),
      ...node.millis.slice(WARMUP),
    ]);
    for (const v of variants) {
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      const run = await runSileroInWorker(page, {
        backend: v.backend,
        numThreads: v.numThreads,
        frameCount: FRAMES + WARMUP,
      });
      await page.close();
      if (!run.ok) throw new Error(`${v.name}: ${run.error}`);
      samples.set(v.name, [...(samples.get(v.name) ?? []), ...run.millis.slice(WARMUP)]);
    }
  }
  for (const [name, values] of samples) rows.push({ name, ...summarize(values) });
} finally {
  await browser.close();
  await server.close();
  await session.release();
}

const baseline = rows[0]!.median;
console.log('\nSilero VAD v5, one 512-sample frame per call (ms)\n');
console.log(`${'variant'.padEnd(40)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'× node'.padStart(8)}`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(40)} ${r.median.toFixed(3).padStart(8)} ${r.p95.toFixed(3).padStart(8)} ${(r.median / baseline).toFixed(2).padStart(8)}`,
  );
}
const out = join(repoRoot, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `silero-${new Date().toISOString().slice(0, 10)}.json`);
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), frames: FRAMES, rows }, null, 2));
console.log(`\nwrote ${file}`);
