// Peak JS memory of a Playwright page and of its dedicated workers, sampled over CDP while something
// runs (for instance a worker loading a 300 MB model). `bench/heap-sampler-check.ts` shows what it sees.
//
// What is counted, per target, from Runtime.getHeapUsage: the V8 heap (usedSize), Blink's own heap
// (embedderHeapUsedSize) and ArrayBuffer backing stores (backingStorageSize, Chromium ≥ 13x), which is
// where model bytes and WebAssembly.Memory live. Performance.getMetrics' JSHeapUsedSize is only the V8
// heap: a 100 MB ArrayBuffer does not move it.
//
// Workers: Playwright's newCDPSession takes a Page or Frame only, so the page's session auto-attaches to
// its workers (Target.setAutoAttach, flatten: false) and talks to each through
// Target.sendMessageToTarget / Target.receivedMessageFromTarget. Dedicated workers the page starts are
// covered, whether they start before or after sampling begins; workers started by workers are not.
//
// WebAssembly.Memory is not in backingStorageSize (measured: a 200 MB Memory in a worker adds ~0), so
// with `wasm` on (the default) the sampler also finds every WebAssembly.Memory in each target with
// Runtime.queryObjects and adds their buffers' sizes. queryObjects walks the heap (and collects garbage
// first), so that runs every `wasmEveryMs` (default 500) and at stop(); between two of those the last
// wasm figure is carried. A Memory only grows, so this loses little of its peak.
import type { CDPSession, Page } from 'playwright';

export interface HeapSample {
  /** Bytes in the page's main thread. */
  page: number;
  /** Bytes in all its dedicated workers together. */
  workers: number;
  /** ms since sampling began. */
  at: number;
}

export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

export interface HeapReport {
  peakPage: number;
  peakWorkers: number;
  /** Highest page + workers in one sample (the two peaks need not coincide). */
  peakTotal: number;
  baselinePage: number;
  baselineWorkers: number;
  samples: number;
  /** Every sample, in order. */
  series: HeapSample[];
  /** Workers seen over the run (by URL) and the most each held. */
  workerPeaks: { url: string; peak: number }[];
  /** Whether this Chromium reports ArrayBuffer backing stores (without it, buffers are invisible). */
  backingStores: boolean;
  /** Highest WebAssembly.Memory bytes found in the page and in the workers (already in the peaks). */
  peakWasmPage: number;
  peakWasmWorkers: number;
}

/** The bytes a target holds: V8 heap + Blink heap + ArrayBuffer backing stores. */
export function heapBytes(u: HeapUsage): number {
  return u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0);
}

interface WorkerTarget {
  sessionId: string;
  url: string;
  peak: number;
  gone: boolean;
  wasm: number;
}

type Send = <T>(method: string, params?: Record<string, unknown>) => Promise<T>;

/** Bytes of every live WebAssembly.Memory in one target (page or worker), via Runtime.queryObjects. */
export async function wasmMemoryBytes(send: Send): Promise<number> {
  const objectGroup = 'heap-sampler';
  try {
    const proto = await send<{ result: { objectId?: string } }>('Runtime.evaluate', {
      expression: 'WebAssembly.Memory.prototype',
      objectGroup,
    });
    if (!proto.result.objectId) return 0;
    const found = await send<{ objects: { objectId?: string } }>('Runtime.queryObjects', {
      prototypeObjectId: proto.result.objectId,
      objectGroup,
    });
    const sum = await send<{ result: { value?: number } }>('Runtime.callFunctionOn', {
      objectId: found.objects.objectId,
      functionDeclaration: 'function () { return this.reduce((t, m) => t + m.buffer.byteLength, 0); }',
      returnByValue: true,
      objectGroup,
    });
    return sum.result.value ?? 0;
  } finally {
    await send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => {});
  }
}

/** Attaches to the page's dedicated workers and calls CDP methods in them. */
export class WorkerChannel {
  readonly workers = new Map<string, WorkerTarget>();
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(private readonly session: CDPSession) {}

  static async open(session: CDPSession): Promise<WorkerChannel> {
    const channel = new WorkerChannel(session);
    session.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type !== 'worker') return;
      channel.workers.set(e.sessionId, {
        sessionId: e.sessionId,
        url: e.targetInfo.url,
        peak: 0,
        gone: false,
        wasm: 0,
      });
    });
    session.on('Target.detachedFromTarget', (e) => {
      const w = channel.workers.get(e.sessionId);
      if (w) w.gone = true;
    });
    session.on('Target.receivedMessageFromTarget', (e) => {
      const message = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = message.id !== undefined ? channel.pending.get(message.id) : undefined;
      if (!waiting) return;
      channel.pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    });
    await session.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    return channel;
  }

  /**
   * Calls a CDP method in one worker; rejects if the worker has gone, or does not answer within 5 s
   * (a worker terminated between two samples may never answer, nor be reported detached at once).
   */
  call<T>(sessionId: string, method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const w = this.workers.get(sessionId);
        if (w) w.gone = true;
        reject(new Error(`worker ${sessionId} did not answer ${method}`));
      }, 5_000);
      const done =
        <A extends unknown[]>(f: (...a: A) => void) =>
        (...a: A) => {
          clearTimeout(timer);
          f(...a);
        };
      this.pending.set(id, { resolve: done(resolve as (v: unknown) => void), reject: done(reject) });
      this.session
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((error: Error) => {
          this.pending.delete(id);
          reject(error);
        });
    });
  }

  live(): WorkerTarget[] {
    return [...this.workers.values()].filter((w) => !w.gone);
  }

  async close(): Promise<void> {
    await this.session.send('Target.setAutoAttach', {
      autoAttach: false,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new Error('channel closed'));
    }
  }
}

/**
 * Starts sampling now (one sample right away is the baseline) and every `intervalMs` (default 50)
 * until stop(), which takes one last sample and reports the peaks. Samples never overlap: a slow one
 * delays the next.
 */
export async function sampleHeap(
  page: Page,
  opts: { intervalMs?: number; wasm?: boolean; wasmEveryMs?: number } = {},
): Promise<{ stop(): Promise<HeapReport> }> {
  const intervalMs = opts.intervalMs ?? 50;
  const wasmEveryMs = opts.wasmEveryMs ?? 500;
  const withWasm = opts.wasm ?? true;
  const session = await page.context().newCDPSession(page);
  const channel = await WorkerChannel.open(session);
  // Let auto-attach report the workers that already run before the baseline.
  await new Promise((r) => setTimeout(r, 20));
  const began = performance.now();
  const series: HeapSample[] = [];
  let backingStores = false;
  let pageWasm = 0;
  let peakWasmPage = 0;
  let peakWasmWorkers = 0;
  let lastWasmAt = Number.NEGATIVE_INFINITY;
  // CDPSession.send is typed per method; the wasm query picks its methods at run time.
  const untyped = session as unknown as { send(m: string, p?: Record<string, unknown>): Promise<unknown> };
  const pageSend: Send = (method, params) => untyped.send(method, params) as never;

  const sampleOnce = async (forceWasm = false) => {
    const wasmNow = withWasm && (forceWasm || performance.now() - lastWasmAt >= wasmEveryMs);
    if (wasmNow) lastWasmAt = performance.now();
    const pageUsage = await session.send('Runtime.getHeapUsage').catch(() => undefined);
    if (pageUsage && 'backingStorageSize' in pageUsage) backingStores = true;
    if (wasmNow) pageWasm = await wasmMemoryBytes(pageSend).catch(() => pageWasm);
    const perWorker = await Promise.all(
      channel.live().map(async (w) => {
        const u = await channel.call<HeapUsage>(w.sessionId, 'Runtime.getHeapUsage').catch(() => undefined);
        if (!u) return 0;
        if (wasmNow) {
          const send: Send = (method, params) => channel.call(w.sessionId, method, params);
          w.wasm = await wasmMemoryBytes(send).catch(() => w.wasm);
        }
        const bytes = heapBytes(u) + w.wasm;
        w.peak = Math.max(w.peak, bytes);
        return bytes;
      }),
    );
    peakWasmPage = Math.max(peakWasmPage, pageWasm);
    peakWasmWorkers = Math.max(
      peakWasmWorkers,
      channel.live().reduce((t, w) => t + w.wasm, 0),
    );
    series.push({
      page: pageUsage ? heapBytes(pageUsage as HeapUsage) + pageWasm : 0,
      workers: perWorker.reduce((t, b) => t + b, 0),
      at: performance.now() - began,
    });
  };

  await sampleOnce(true);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, intervalMs));
      if (!stopped) await sampleOnce();
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      await sampleOnce(true);
      await channel.close().catch(() => {});
      await session.detach().catch(() => {});
      const base = series[0]!;
      return {
        peakPage: Math.max(...series.map((s) => s.page)),
        peakWorkers: Math.max(...series.map((s) => s.workers)),
        peakTotal: Math.max(...series.map((s) => s.page + s.workers)),
        baselinePage: base.page,
        baselineWorkers: base.workers,
        samples: series.length,
        series,
        workerPeaks: [...channel.workers.values()].map((w) => ({ url: w.url, peak: w.peak })),
        backingStores,
        peakWasmPage,
        peakWasmWorkers,
      };
    },
  };
}
