import { EdgewiseError } from '../errors.js';
import { DEFAULT_STALL_MS, stallGuard } from '../models/stall-guard.js';
import { validateExperiment } from './experiment-config.js';
import type { ExperimentConfig } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';

const LAST_GOOD = 'last-good-experiments';

/**
 * Fetches the experiment configs (`GET /v1/experiments` or a static JSON file) and keeps the last good
 * copy, so an offline PWA still assigns users to the arms it knew.
 */
export class ExperimentsClient {
  #loaded: Promise<Map<string, ExperimentConfig>> | undefined;

  constructor(
    private readonly url: string,
    private readonly store: KeyValueStore = defaultKeyValueStore('edgewise-experiments'),
    private readonly doFetch: typeof fetch = stallGuard((...args) => fetch(...args), DEFAULT_STALL_MS),
  ) {}

  async #fetch(): Promise<Map<string, ExperimentConfig>> {
    let list: unknown;
    try {
      const response = await this.doFetch(this.url, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as unknown;
      list = Array.isArray(body) ? body : (body as { experiments?: unknown }).experiments;
      if (!Array.isArray(list)) throw new Error('expected { experiments: [...] } or an array');
      await this.store.set(LAST_GOOD, list);
    } catch (error) {
      list = await this.store.get<unknown[]>(LAST_GOOD);
      if (!list) {
        throw new EdgewiseError(
          'NETWORK',
          `the experiments at ${this.url} could not be loaded (${error instanceof Error ? error.message : String(error)}) and none are cached`,
          { cause: error },
        );
      }
    }
    return new Map((list as unknown[]).map((raw) => validateExperiment(raw)).map((e) => [e.key, e]));
  }

  async get(key: string): Promise<ExperimentConfig> {
    this.#loaded ??= this.#fetch();
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    const experiment = (await this.#loaded).get(key);
    if (!experiment) {
      const known = [...(await this.#loaded).keys()];
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `no experiment "${key}" at ${this.url}; known: ${known.length > 0 ? known.join(', ') : 'none'}`,
      );
    }
    return experiment;
  }

  /** Forgets the fetched configs, so the next get() sees new bandit weights. */
  refresh(): void {
    this.#loaded = undefined;
  }
}
