import type { Page } from 'playwright';

export interface SileroRun {
  ok: boolean;
  error?: string;
  probabilities: number[];
  state: number[];
  /** Wall time of each session.run, in ms. */
  millis: number[];
  inputNames: string[];
  outputNames: string[];
  crossOriginIsolated: boolean;
  numThreads: number;
  adapter: { vendor: string; architecture: string } | null;
}

/** Runs the Silero fixture worker in the page and returns what it measured. */
export function runSileroInWorker(
  page: Page,
  options: {
    backend: 'wasm' | 'webgpu';
    numThreads: number;
    frameCount: number;
    bundle?: string;
    sessionOptions?: Record<string, unknown>;
  },
): Promise<SileroRun> {
  return page.evaluate(
    (opts) =>
      new Promise<SileroRun>((resolve, reject) => {
        const worker = new Worker('/silero/worker.js', { type: 'module' });
        worker.onmessage = (event) => {
          worker.terminate();
          resolve(event.data);
        };
        worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
        worker.postMessage(opts);
      }),
    options,
  );
}
