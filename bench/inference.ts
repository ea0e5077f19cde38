// Inference contenders side by side in one Chromium page: each case loads every contender on the same
// model bytes and inputs, then runs interleaved rounds (order rotated each round) of single-input calls
// and one batch, so machine drift lands on all of them alike.
import type { Page } from 'playwright';
import { median, pairedRatio, perSecond, quantile, roundOrder } from './stats.js';

export type Contender =
  | 'edgewise'
  /** Edgewise without `transfer`: the caller's input arrays stay intact. */
  | 'edgewise-intact'
  | 'ort-direct'
  | 'ort-proxy'
  | 'litert-direct'
  | 'tfjs-tflite'
  /** Floors, not rivals: a worker that only echoes the payload, and LiteRT.js in a plain worker. */
  | 'echo'
  | 'litert-worker';

export interface InferenceCase {
  id: string;
  modelUrl: string;
  format: 'onnx' | 'tflite';
  kind: 'mnist' | 'silero' | 'ocr-det' | 'ocr-rec';
  backend: 'wasm' | 'webgpu';
  contenders: Contender[];
  rounds: number;
  singles: number;
  batchSize: number;
  /** Batches per round; the round keeps their median. */
  batches: number;
}

export interface ContenderResult {
  contender: Contender;
  error?: string;
  loadMs?: number;
  runtime?: string;
  /** Why the backend was chosen, as Edgewise describes it (names the WebGPU adapter). */
  backendReason?: string;
  /** Every single-input latency (ms), all rounds. */
  single: number[];
  /** Per round: median single latency (ms) and batch throughput (items/s), for paired ratios. */
  roundMedians: number[];
  roundThroughput: number[];
}

export interface CaseResult extends InferenceCase {
  results: ContenderResult[];
}

const THREADS = 1;

interface OpenResult {
  id: number;
  info: { runtime: string; backendReason?: string };
  loadMs: number;
}
interface RoundResult {
  single: number[];
  batchMs: number;
  batchSize: number;
}
type BenchWindow = {
  bench: {
    open(o: object): Promise<OpenResult>;
    round(id: number, singles: number, batches: number): Promise<RoundResult>;
    close(id: number): Promise<void>;
  };
};

export async function runCase(page: Page, c: InferenceCase): Promise<CaseResult> {
  const open = new Map<Contender, number>();
  const results = new Map<Contender, ContenderResult>();
  for (const contender of c.contenders) {
    const result: ContenderResult = { contender, single: [], roundMedians: [], roundThroughput: [] };
    results.set(contender, result);
    try {
      const opened = await page.evaluate((o) => (window as unknown as BenchWindow).bench.open(o), {
        contender,
        modelUrl: c.modelUrl,
        format: c.format,
        kind: c.kind,
        backend: c.backend,
        threads: THREADS,
        batchSize: c.batchSize,
      });
      open.set(contender, opened.id);
      result.loadMs = opened.loadMs;
      result.runtime = opened.info.runtime;
      if (opened.info.backendReason) result.backendReason = opened.info.backendReason;
    } catch (error) {
      // A baseline that cannot run here is reported with its reason, not dropped silently.
      result.error = String(error instanceof Error ? error.message : error)
        .replace(/^page\.evaluate: /, '')
        .split('\n')[0];
    }
  }
  const running = c.contenders.filter((x) => open.has(x));
  for (let round = 0; round < c.rounds; round++) {
    for (const contender of roundOrder(running, round)) {
      const r = await page.evaluate(
        ([id, singles, batches]) => (window as unknown as BenchWindow).bench.round(id, singles, batches),
        [open.get(contender)!, c.singles, c.batches] as const,
      );
      const result = results.get(contender)!;
      result.single.push(...r.single);
      result.roundMedians.push(median(r.single));
      result.roundThroughput.push(perSecond(r.batchSize, r.batchMs));
    }
  }
  for (const id of open.values()) {
    await page.evaluate((i) => (window as unknown as BenchWindow).bench.close(i), id);
  }
  return { ...c, results: [...results.values()] };
}

export const CONTENDER_LABELS: Record<Contender, string> = {
  edgewise: 'Edgewise (worker)',
  'edgewise-intact': 'Edgewise, inputs kept',
  'ort-direct': 'onnxruntime-web direct',
  'ort-proxy': 'onnxruntime-web proxy',
  'litert-direct': 'LiteRT.js direct',
  'tfjs-tflite': 'tfjs-tflite direct',
  echo: 'bare worker echo (floor)',
  'litert-worker': 'LiteRT.js in a plain worker',
};

export interface ContenderSummary {
  contender: Contender;
  runtime?: string;
  error?: string;
  medianMs: number;
  p95Ms: number;
  itemsPerSecond: number;
  /** Median time of one batch (ms). */
  batchMs: number;
}

export function summarizeCase(c: CaseResult): ContenderSummary[] {
  return c.results.map((r) => ({
    contender: r.contender,
    ...(r.runtime ? { runtime: r.runtime } : {}),
    ...(r.error ? { error: r.error } : {}),
    medianMs: median(r.single),
    p95Ms: quantile(r.single, 0.95),
    itemsPerSecond: median(r.roundThroughput),
    batchMs: (c.batchSize * 1000) / median(r.roundThroughput),
  }));
}

/**
 * One contender against another (Edgewise by default), paired round by round: latency ratio (lower is
 * better) and batch throughput ratio (higher is better). Undefined when either could not run.
 */
export function versus(
  c: CaseResult,
  baseline: Contender,
  contender: Contender = 'edgewise',
): { latency: number; throughput: number } | undefined {
  const ours = c.results.find((r) => r.contender === contender);
  const theirs = c.results.find((r) => r.contender === baseline);
  if (!ours || !theirs || ours.error || theirs.error) return undefined;
  return {
    latency: pairedRatio(ours.roundMedians, theirs.roundMedians),
    throughput: pairedRatio(ours.roundThroughput, theirs.roundThroughput),
  };
}

/**
 * Edgewise against a floor no worker-hosted runtime can go under: a main-thread call plus a bare
 * worker's round trip with the same payload (the echo contender), paired round by round. Latency: our
 * time over (direct + echo), lower is better; throughput: (direct + echo) batch time over ours, higher
 * is better. A ratio near 1 says the rest of the gap to direct is postMessage's, not the SDK's.
 */
export function versusFloor(
  c: CaseResult,
  direct: Contender,
): { latency: number; throughput: number } | undefined {
  const ours = c.results.find((r) => r.contender === 'edgewise');
  const base = c.results.find((r) => r.contender === direct);
  const echo = c.results.find((r) => r.contender === 'echo');
  if (!ours || !base || !echo || ours.error || base.error || echo.error) return undefined;
  const time = (throughput: number) => c.batchSize / throughput;
  const latency = ours.roundMedians.map((v, i) => v / (base.roundMedians[i]! + echo.roundMedians[i]!));
  const throughput = ours.roundThroughput.map(
    (v, i) => (time(base.roundThroughput[i]!) + time(echo.roundThroughput[i]!)) / time(v),
  );
  return { latency: median(latency), throughput: median(throughput) };
}
