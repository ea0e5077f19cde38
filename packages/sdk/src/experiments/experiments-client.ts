import { EdgewiseError } from '../errors.js';
import { DEFAULT_STALL_MS, stallGuard } from '../models/stall-guard.js';
import { validateExperiment } from './experiment-config.js';
import type { ExperimentConfig, Holdout } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';
import { validateHoldout } from './targeting.js';

const LAST_GOOD = 'last-good-experiments';
const LAST_GOOD_HOLDOUT = 'last-good-holdout';

/**
 * Fetches the experiment configs (`GET /v1/experiments` or a static JSON file) and keeps the last good
 * copy, so an offline PWA still assigns users to the arms it knew.
 */
export class ExperimentsClient {
  #loaded: Promise<Map<string, ExperimentConfig>> | undefined;
  #holdout: Holdout | undefined;

  constructor(
    private readonly url: string,
    private readonly store: KeyValueStore = defaultKeyValueStore('edgewise-experiments'),
    private readonly doFetch: typeof fetch = stallGuard((...args) => fetch(...args), DEFAULT_STALL_MS),
  ) {}

  async #fetch(): Promise<Map<string, ExperimentConfig>> {
    let list: unknown;
    let holdout: unknown;
    try {
      const response = await this.doFetch(this.url, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as unknown;
      list = Array.isArray(body) ? body : (body as { experiments?: unknown }).experiments;
      if (!Array.isArray(list)) throw new Error('expected { experiments: [...] } or an array');
      holdout = Array.isArray(body) ? undefined : (body as { holdout?: unknown }).holdout;
      await this.store.set(LAST_GOOD, list);
      // Cached beside the list, so an offline user stays out of experiments the holdout keeps them from.
      await this.store.set(LAST_GOOD_HOLDOUT, holdout ?? null);
    } catch (error) {
      holdout = await this.store.get<unknown>(LAST_GOOD_HOLDOUT);
      list = await this.store.get<unknown[]>(LAST_GOOD);
      if (!list) {
        throw new EdgewiseError(
          'NETWORK',
          `the experiments at ${this.url} could not be loaded (${error instanceof Error ? error.message : String(error)}) and none are cached`,
          { cause: error },
        );
      }
    }
    this.#holdout = validateHoldout(holdout);
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

  /** The global holdout served with the experiments (`{ experiments, holdout }`), if any. */
  async holdout(): Promise<Holdout | undefined> {
    this.#loaded ??= this.#fetch();
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    await this.#loaded;
    return this.#holdout;
  }

  /** Forgets the fetched configs, so the next get() sees new bandit weights. */
  refresh(): void {
    this.#loaded = undefined;
  }
}
