import { defaultKeyValueStore, type KeyValueStore } from '../experiments/key-value-store.js';
import type { TensorSpec } from '../models/manifest-types.js';
import type { Backend, BackendCandidate, BackendPlan } from './backend-plan.js';
import type { BackendCapabilities } from './capabilities.js';
import { onDevice, type PlacementRequest, place } from './placement.js';
import type { Tensor, TensorData } from './tensors.js';
import { isDynamicDim } from './validate-inputs.js';

/** One backend's time on this device: the median of a few runs, or why it could not be measured. */
export interface BackendTiming {
  backend: Backend;
  medianMs?: number;
  runs?: number;
  error?: string;
}

/** What is remembered per (model version, device): the timings, and when they were taken. */
export interface RaceRecord {
  timings: BackendTiming[];
  measuredAt: number;
}

export interface RaceOptions {
  /** The whole race's budget; each backend gets its share. Default 2,000 ms. */
  budgetMs?: number;
  /** Where results are remembered; default IndexedDB in browsers, memory elsewhere. */
  memory?: KeyValueStore;
  /** The device: a change of GPU, browser or cores measures again. */
  device: string;
}

let sharedMemory: KeyValueStore | undefined;

const DEFAULT_BUDGET_MS = 2_000;
const MAX_RUNS = 7;

const ZEROS: Record<string, (n: number) => TensorData> = {
  float32: (n) => new Float32Array(n),
  float16: (n) => new Uint16Array(n),
  int8: (n) => new Int8Array(n),
  uint8: (n) => new Uint8Array(n),
  bool: (n) => new Uint8Array(n),
  int32: (n) => new Int32Array(n),
  int64: (n) => new BigInt64Array(n),
};

/** One item of zeros per input: enough to time a model; a model that refuses zeros is not timed. */
function syntheticFeeds(specs: readonly TensorSpec[]): Record<string, Tensor> {
  return Object.fromEntries(
    specs.map((spec) => {
      const dims = spec.shape.map((d) => (isDynamicDim(d) ? 1 : (d as number)));
      const make = ZEROS[spec.dtype] ?? ZEROS.float32!;
      return [spec.name, { data: make(dims.reduce((a, b) => a * b, 1)), dims }];
    }),
  );
}

/** A key for this device's capabilities: what decides which backend is faster. */
export function deviceKey(
  caps: BackendCapabilities,
  userAgent = globalThis.navigator?.userAgent ?? '',
): string {
  const gpu = caps.webgpu.adapter
    ? `${caps.webgpu.adapter.vendor}/${caps.webgpu.adapter.architecture}`
    : 'no-gpu';
  return `${gpu}|threads:${caps.threads.available ? caps.threads.hardwareConcurrency : 1}|${userAgent}`;
}

async function timeOne(
  request: PlacementRequest,
  candidate: BackendCandidate,
  budgetMs: number,
): Promise<BackendTiming> {
  const id = `${request.id}-race-${candidate.backend}`;
  try {
    const placed = await place({ ...request, id, plan: { candidates: [candidate], skipped: [] } });
    try {
      const feeds = syntheticFeeds(placed.loaded.inputs);
      await placed.host.run(id, feeds); // warm-up: first runs compile shaders and fill caches
      const times: number[] = [];
      const until = performance.now() + budgetMs;
      while (times.length < MAX_RUNS && (times.length < 2 || performance.now() < until)) {
        const started = performance.now();
        await placed.host.run(id, syntheticFeeds(placed.loaded.inputs));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return {
        backend: candidate.backend,
        medianMs: times[Math.floor(times.length / 2)]!,
        runs: times.length,
      };
    } finally {
      await placed.host.dispose(id).catch(() => undefined);
      placed.file.release();
    }
  } catch (error) {
    return { backend: candidate.backend, error: error instanceof Error ? error.message : String(error) };
  }
}

function describeTimings(timings: readonly BackendTiming[], remembered: boolean): string {
  const parts = timings.map((t) =>
    t.medianMs !== undefined
      ? `${t.backend} ${t.medianMs.toFixed(2)} ms`
      : `${t.backend} not measured (${t.error})`,
  );
  return `measured on this device${remembered ? ' (remembered)' : ''}: ${parts.join(', ')} per prediction, median`;
}

/**
 * Orders the device backends of a plan by measured speed: on the first load of a model version on a
 * device, each is loaded and timed on a few predictions within the budget, and the result is kept;
 * later loads reuse it. Backends that could not be timed keep their place after the timed ones; the
 * server, if planned, stays where it was. The winner's reason carries the numbers.
 */
export async function measuredPlan(
  request: PlacementRequest,
  options: RaceOptions,
): Promise<BackendPlan & { measured: BackendTiming[] | undefined }> {
  const { plan } = request;
  const device = plan.candidates.filter(onDevice);
  if (device.length < 2) return { ...plan, measured: undefined };
  const first = await request.files.pick(device[0]!.backend);
  const key = `race\u0000${first.name}@${first.version}\u0000${first.sha256}\u0000${options.device}`;
  sharedMemory ??= defaultKeyValueStore('edgewise-placement');
  const memory = options.memory ?? sharedMemory;
  // Bytes the app passed have no sha256 to know them by next time: they are measured every load.
  const memorable = first.sha256 !== undefined;
  let record = memorable ? await memory.get<RaceRecord>(key) : undefined;
  const remembered = record !== undefined;
  if (!record) {
    const share = (options.budgetMs ?? DEFAULT_BUDGET_MS) / device.length;
    const timings: BackendTiming[] = [];
    // One at a time: racing them side by side would measure the contention, not the backends.
    for (const candidate of device) timings.push(await timeOne(request, candidate, share));
    record = { timings, measuredAt: Date.now() };
    if (memorable && timings.some((t) => t.medianMs !== undefined)) await memory.set(key, record);
  }
  const speed = (c: BackendCandidate) =>
    record.timings.find((t) => t.backend === c.backend)?.medianMs ?? Number.POSITIVE_INFINITY;
  const ordered = [...device].sort((a, b) => speed(a) - speed(b));
  const note = describeTimings(record.timings, remembered);
  const byBackend = new Map(
    ordered.map((c, i) => [c.backend, i === 0 ? { ...c, reason: `${c.reason}; ${note}` } : c]),
  );
  let next = 0;
  const candidates = plan.candidates.map((c) =>
    byBackend.has(c.backend) ? byBackend.get(ordered[next++]!.backend)! : c,
  );
  return { candidates, skipped: plan.skipped, measured: record.timings };
}
