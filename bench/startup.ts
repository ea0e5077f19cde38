// Start-up in Chromium, from Edgewise.create() to a loaded model and to its first prediction: the
// first load (network; a fresh browser context has an empty IndexedDB), then cached loads interleaved
// with loads of the same bytes from memory (the floor: no fetch, no cache read, no hash).
import type { Browser } from 'playwright';
import { openBenchPage } from './bench-page.js';
import { median, pairedRatio } from './stats.js';

export type StartupPath = 'network' | 'cache' | 'memory';

export interface StartupSample {
  path: StartupPath;
  loadMs: number;
  firstPredictionMs: number;
  source: string;
  variant: string | undefined;
}

interface Timing {
  loadMs: number;
  firstPredictionMs: number;
  source: string;
  variant: string | undefined;
}

type SdkWindow = {
  bench: { edgewise: typeof import('@edgewise/sdk') };
};

export async function runStartup(
  browser: Browser,
  url: string,
  rounds: number,
  pairs: number,
): Promise<StartupSample[]> {
  const samples: StartupSample[] = [];
  for (let round = 0; round < rounds; round++) {
    const context = await browser.newContext();
    const page = await openBenchPage(context, url);
    const timeOnce = (path: StartupPath) =>
      page.evaluate(async (path): Promise<Timing> => {
        const { Edgewise } = (window as unknown as SdkWindow).bench.edgewise;
        // The memory path gets the very bytes the manifest serves on WASM (its int8 variant), fetched
        // before the clock starts.
        const bytes =
          path === 'memory'
            ? new Uint8Array(await (await fetch('/models/mnist/1.0.0/mnist.int8.onnx')).arrayBuffer())
            : undefined;
        const started = performance.now();
        const ew = await Edgewise.create({
          manifestUrl: '/models/manifest.json',
          backends: ['wasm'],
          wasmThreads: 1,
        });
        const model = bytes ? await ew.loadBytes(bytes, { format: 'onnx' }) : await ew.load('mnist');
        const loaded = performance.now();
        await model.predict({ input: new Float32Array(784) });
        const predicted = performance.now();
        const d = model.describe();
        await ew.close();
        return {
          loadMs: loaded - started,
          firstPredictionMs: predicted - started,
          source: d.source,
          variant: d.variant,
        };
      }, path);
    samples.push({ path: 'network', ...(await timeOnce('network')) });
    for (let i = 0; i < pairs; i++) {
      // Alternate which of the pair goes first, so neither always follows the other.
      const order: StartupPath[] = (round + i) % 2 === 0 ? ['cache', 'memory'] : ['memory', 'cache'];
      for (const path of order) samples.push({ path, ...(await timeOnce(path)) });
    }
    await context.close();
  }
  return samples;
}

export interface StartupSummary {
  medians: Record<StartupPath, { loadMs: number; firstPredictionMs: number }>;
  /** Cached load over the from-memory floor, paired within each pair of loads. */
  cachedOverMemory: number;
  cachedOverMemoryFirstPrediction: number;
  sourcesOk: boolean;
}

export function summarizeStartup(samples: readonly StartupSample[]): StartupSummary {
  const of = (path: StartupPath) => samples.filter((s) => s.path === path);
  const medians = Object.fromEntries(
    (['network', 'cache', 'memory'] as const).map((p) => [
      p,
      {
        loadMs: median(of(p).map((s) => s.loadMs)),
        firstPredictionMs: median(of(p).map((s) => s.firstPredictionMs)),
      },
    ]),
  ) as StartupSummary['medians'];
  return {
    medians,
    cachedOverMemory: pairedRatio(
      of('cache').map((s) => s.loadMs),
      of('memory').map((s) => s.loadMs),
    ),
    cachedOverMemoryFirstPrediction: pairedRatio(
      of('cache').map((s) => s.firstPredictionMs),
      of('memory').map((s) => s.firstPredictionMs),
    ),
    // Guards the figures' meaning: a "cache" load that went to the network would flatter nothing.
    sourcesOk: samples.every((s) => s.source === s.path),
  };
}
