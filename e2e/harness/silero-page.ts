import type { Page } from 'playwright';
import { runPageWorker } from './page-worker.js';

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
  return runPageWorker<SileroRun>(page, '/silero/worker.js', options);
}
