/**
 * What a load reports while it works: `download` (hashed as it streams into storage, so a complete
 * download is a verified one) or `verify` (a load from the cache reads and hashes each stored
 * chunk), then `compile` (reported by the inference runtime). Within a phase `loaded` never goes
 * down and the last report has `loaded === total`; a resumed download starts at the bytes stored.
 */
export interface Progress {
  loaded: number;
  total: number;
  phase: 'download' | 'verify' | 'compile';
  /** Download phase: bytes per second received by this load so far (resumed bytes not counted). */
  rate?: number;
  /** Download phase: milliseconds left at `rate`. */
  etaMs?: number;
}

/** Reports within one phase come at most this often (the first and the last always come). */
export const PROGRESS_INTERVAL_MS = 100;

export type ProgressCallback = (progress: Progress) => void;

/**
 * The progress of one load, across retries, a cache entry found corrupt and re-fetched, or a
 * rollback: each phase's `loaded` only goes up, so the app's progress bar never jumps back.
 */
export class LoadProgress {
  private readonly highWater = new Map<Progress['phase'], number>();

  constructor(private readonly callback: ProgressCallback | undefined) {}

  phase(phase: Progress['phase'], total: number): PhaseReporter {
    return new PhaseReporter(phase, total, this.callback, this.highWater);
  }
}

export class PhaseReporter {
  #start: { at: number; loaded: number } | undefined;
  #lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly phase: Progress['phase'],
    private readonly total: number,
    private readonly callback: ProgressCallback | undefined,
    private readonly highWater: Map<Progress['phase'], number> = new Map(),
    private readonly now: () => number = () => performance.now(),
  ) {}

  report(loaded: number): void {
    const clamped = Math.min(loaded, this.total);
    if (clamped <= (this.highWater.get(this.phase) ?? -1)) return;
    const at = this.now();
    this.#start ??= { at, loaded: clamped };
    // A 300 MB download would otherwise call back thousands of times; the app redraws a bar.
    if (clamped < this.total && at - this.#lastAt < PROGRESS_INTERVAL_MS) return;
    this.#lastAt = at;
    this.highWater.set(this.phase, clamped);
    const progress: Progress = { loaded: clamped, total: this.total, phase: this.phase };
    const seconds = (at - this.#start.at) / 1000;
    if (this.phase === 'download' && seconds > 0 && clamped > this.#start.loaded) {
      progress.rate = (clamped - this.#start.loaded) / seconds;
      progress.etaMs = ((this.total - clamped) / progress.rate) * 1000;
    }
    this.callback?.(progress);
  }

  done(): void {
    this.report(this.total);
  }
}
