import type { AssignmentChanged } from '../edgewise-config.js';
import type { Model } from '../model.js';
import type { ExperimentsClient } from './experiments-client.js';

export const DEFAULT_REFRESH_MS = 60_000;

interface Tracked {
  model: Model;
  experiment: string;
  /** Loads the user's arm as it stands now (a new Model, not tracked). */
  reload: () => Promise<Model>;
}

export interface ExperimentRefreshOptions {
  client: ExperimentsClient;
  /** The user's arm under the current config, or null when they are outside the experiment. */
  target: (experiment: string) => Promise<string | null>;
  /** `model` took over `fresh`'s session: the facade re-points what it keeps by session id. */
  adopted: (model: Model, fresh: Model) => void;
  notify: (event: AssignmentChanged) => void;
  /** A failed move; the model keeps its arm until the next refresh. */
  failed: (experiment: string, error: unknown) => void;
  intervalMs?: number;
  onVisible?: boolean;
}

interface PageLike {
  visibilityState?: string;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

/**
 * Keeps models loaded under experiments on the user's current arm: on an interval and when the page
 * becomes visible it revalidates the experiments, and a model whose user now belongs elsewhere (their
 * arm was stopped, or the weights moved them) loads the new arm and takes over its session in place.
 * Moves run one at a time, and a refresh that finds nothing changed costs one 304.
 */
export class ExperimentRefresh {
  readonly #tracked = new Set<Tracked>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  readonly #page: PageLike | undefined;
  readonly #onVisible = () => {
    if (this.#page?.visibilityState === 'visible') void this.refresh();
  };
  #running: Promise<number> | undefined;

  constructor(private readonly options: ExperimentRefreshOptions) {
    const interval = options.intervalMs ?? DEFAULT_REFRESH_MS;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.refresh(), interval);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    const page = (globalThis as { document?: PageLike }).document;
    if (page && options.onVisible !== false) {
      this.#page = page;
      page.addEventListener('visibilitychange', this.#onVisible);
    }
  }

  track(model: Model, experiment: string, reload: () => Promise<Model>): void {
    this.#tracked.add({ model, experiment, reload });
  }

  /** Revalidates now; resolves with the number of models that moved to another arm. */
  refresh(): Promise<number> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #refresh(): Promise<number> {
    if (!(await this.options.client.refresh())) return 0;
    let moved = 0;
    for (const entry of [...this.#tracked]) {
      if (entry.model.isDisposed) {
        this.#tracked.delete(entry);
        continue;
      }
      try {
        const to = await this.options.target(entry.experiment);
        const from = entry.model.arm ?? null;
        if (to === from) continue;
        const fresh = await entry.reload();
        if (entry.model.isDisposed) {
          await fresh.dispose();
          continue;
        }
        await entry.model.adopt(fresh);
        this.options.adopted(entry.model, fresh);
        moved++;
        this.options.notify({ type: 'assignment-changed', experiment: entry.experiment, from, to });
      } catch (error) {
        this.options.failed(entry.experiment, error);
      }
    }
    return moved;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#page?.removeEventListener('visibilitychange', this.#onVisible);
    this.#tracked.clear();
  }
}
