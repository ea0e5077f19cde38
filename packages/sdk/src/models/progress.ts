/**
 * What a load reports while it works. `phase` runs download → verify → compile (compile is reported
 * by the inference runtime); within a phase `loaded` never goes down and the last report has
 * `loaded === total`. A load served from the cache has no download phase.
 */
export interface Progress {
  loaded: number;
  total: number;
  phase: 'download' | 'verify' | 'compile';
}

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
  constructor(
    private readonly phase: Progress['phase'],
    private readonly total: number,
    private readonly callback: ProgressCallback | undefined,
    private readonly highWater: Map<Progress['phase'], number> = new Map(),
  ) {}

  report(loaded: number): void {
    const clamped = Math.min(loaded, this.total);
    if (clamped <= (this.highWater.get(this.phase) ?? -1)) return;
    this.highWater.set(this.phase, clamped);
    this.callback?.({ loaded: clamped, total: this.total, phase: this.phase });
  }

  done(): void {
    this.report(this.total);
  }
}
