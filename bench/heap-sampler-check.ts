// `npx tsx bench/heap-sampler-check.ts`: shows that bench/heap-sampler.ts sees memory held in a page
// and in its dedicated worker (100 MB in the page; 200 MB in a worker as an ArrayBuffer, then as a
// WebAssembly.Memory), how long one sample takes, and how performance.measureUserAgentSpecificMemory()
// compares (cross-origin isolated page; by default and with ForceEagerMeasureMemory). Prints figures;
// asserts nothing, like the rest of the bench (bench/test/ checks only pure helpers).
import { type Browser, chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, chromiumPath } from '../e2e/harness/chromium.js';
import { startStaticServer } from '../e2e/harness/static-server.js';
import { openBenchPage } from './bench-page.js';
import { sampleHeap, WorkerChannel, wasmMemoryBytes } from './heap-sampler.js';
import { benchMounts } from './mounts.js';

const MB = 2 ** 20;
const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
type HeapWindow = { heap: Record<string, (...a: unknown[]) => Promise<unknown>> };
const heap = (page: Page, fn: string, ...args: unknown[]) =>
  page.evaluate(
    ([fn, args]) => (window as unknown as HeapWindow).heap[fn as string]!(...(args as unknown[])),
    [fn, args] as const,
  );
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function allocations(
  browser: Browser,
  url: string,
  kind: 'buffer' | 'wasm',
  workerFirst: boolean,
  wasm = true,
) {
  const page = await openBenchPage(browser, url, '/bench/heap.html');
  if (workerFirst) await heap(page, 'startWorker');
  const sampler = await sampleHeap(page, { intervalMs: 25, wasm });
  await pause(150);
  await heap(page, 'allocatePage', 100);
  if (!workerFirst) await heap(page, 'startWorker');
  await heap(page, 'allocateWorker', kind, 200);
  await pause(300);
  const r = await sampler.stop();
  await page.close();
  const span = r.series.at(-1)!.at - r.series[0]!.at;
  console.log(
    `${kind.padEnd(6)} worker ${workerFirst ? 'before' : 'after '} sampling, wasm query ${wasm ? 'on ' : 'off'}: page +${mb(r.peakPage - r.baselinePage)} (peak ${mb(r.peakPage)}), workers +${mb(r.peakWorkers - r.baselineWorkers)} (peak ${mb(r.peakWorkers)}), ${r.samples} samples in ${span.toFixed(0)} ms (${(span / (r.samples - 1)).toFixed(1)} ms apart at 25 ms asked), wasm found: page ${mb(r.peakWasmPage)}, workers ${mb(r.peakWasmWorkers)}`,
  );
  return r;
}

async function metricsVersusHeapUsage(browser: Browser, url: string) {
  const page = await openBenchPage(browser, url, '/bench/heap.html');
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const jsHeap = async () =>
    (await session.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
  const before = { metrics: await jsHeap(), usage: await session.send('Runtime.getHeapUsage') };
  await heap(page, 'allocatePage', 100);
  const after = { metrics: await jsHeap(), usage: await session.send('Runtime.getHeapUsage') };
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await session.send('Runtime.getHeapUsage');
  const perCall = (performance.now() - t0) / 20;
  console.log(
    `Runtime.getHeapUsage fields: ${Object.keys(after.usage).join(', ')}; ${perCall.toFixed(2)} ms a call`,
  );
  console.log(
    `100 MB ArrayBuffer in the page: JSHeapUsedSize +${mb(after.metrics - before.metrics)}, usedSize +${mb(after.usage.usedSize - before.usage.usedSize)}, backingStorageSize +${mb((after.usage as { backingStorageSize: number }).backingStorageSize - (before.usage as { backingStorageSize: number }).backingStorageSize)}`,
  );
  await page.close();
}

/** How long one Runtime.queryObjects pass takes in a worker holding 200 MB of wasm memory. */
async function wasmQueryCost(browser: Browser, url: string) {
  const page = await openBenchPage(browser, url, '/bench/heap.html');
  await heap(page, 'startWorker');
  await heap(page, 'allocateWorker', 'wasm', 200);
  await heap(page, 'allocateWorker', 'buffer', 200);
  const session = await page.context().newCDPSession(page);
  const channel = await WorkerChannel.open(session);
  await pause(50);
  const [w] = channel.live();
  const send = <T>(method: string, params?: Record<string, unknown>) =>
    channel.call<T>(w!.sessionId, method, params);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    bytes = await wasmMemoryBytes(send);
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) await send('Runtime.getHeapUsage');
  const usageMs = (performance.now() - t0) / 20;
  console.log(
    `in a worker: Runtime.getHeapUsage ${usageMs.toFixed(2)} ms a call; wasm query ${times.map((t) => t.toFixed(0)).join('/')} ms (found ${mb(bytes)})`,
  );
  await channel.close();
  await page.close();
}

async function uaMemory(browser: Browser, url: string, label: string) {
  const page = await openBenchPage(browser, url, '/bench/heap.html');
  await heap(page, 'allocatePage', 100);
  await heap(page, 'startWorker');
  await heap(page, 'allocateWorker', 'wasm', 200);
  const r = (await heap(page, 'uaMemory')) as {
    ms?: number;
    bytes?: number;
    error?: string;
    breakdown?: { bytes: number; attribution: { url: string; scope: string }[]; types: string[] }[];
  };
  await page.close();
  if (r.error) return console.log(`measureUserAgentSpecificMemory (${label}): ${r.error}`);
  const parts = r
    .breakdown!.filter((b) => b.bytes > MB)
    .map((b) => `${b.attribution.map((a) => a.scope).join('+') || b.types.join('+')} ${mb(b.bytes)}`);
  console.log(
    `measureUserAgentSpecificMemory (${label}): ${r.ms!.toFixed(0)} ms, total ${mb(r.bytes!)}; ${parts.join(', ')}`,
  );
}

const server = await startStaticServer({ mounts: benchMounts, isolated: true });
const launch = (extra: string[] = []) =>
  chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extra] });
const browser = await launch();
try {
  console.log(`Chromium ${browser.version()}`);
  await metricsVersusHeapUsage(browser, server.url);
  await allocations(browser, server.url, 'buffer', false);
  await allocations(browser, server.url, 'wasm', false, false);
  await allocations(browser, server.url, 'wasm', false);
  await allocations(browser, server.url, 'wasm', true);
  await wasmQueryCost(browser, server.url);
  await uaMemory(browser, server.url, 'default flags');
} finally {
  await browser.close();
}
const eager = await launch(['--enable-blink-features=ForceEagerMeasureMemory']);
try {
  await uaMemory(eager, server.url, 'ForceEagerMeasureMemory');
} finally {
  await eager.close();
  await server.close();
}
