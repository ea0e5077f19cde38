import { EdgewiseError } from '../errors.js';
import { DEFAULT_STALL_MS, stallGuard } from '../models/stall-guard.js';
import { validateExperiment } from './experiment-config.js';
import type { ExperimentConfig, Holdout } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';
import { validateHoldout } from './targeting.js';

const LAST_GOOD = 'last-good-experiments';
const LAST_GOOD_HOLDOUT = 'last-good-holdout';

interface Served {
  list: unknown[];
  holdout: unknown;
}

/**
 * Fetches the experiment configs (`GET /v1/experiments` or a static JSON file) and keeps the last good
 * copy, so an offline PWA still assigns users to the arms it knew. `refresh()` revalidates with the
 * server's ETag (a 304 costs no body), so polling it is cheap.
 */
export class ExperimentsClient {
  #loaded: Promise<Map<string, ExperimentConfig>> | undefined;
  #holdout: Holdout | undefined;
  #etag: string | undefined;
  /** The served list and holdout as text, to tell a changed list from a re-sent one. */
  #text: string | undefined;

  constructor(
    private readonly url: string,
    private readonly store: KeyValueStore = defaultKeyValueStore('edgewise-experiments'),
    private readonly doFetch: typeof fetch = stallGuard((...args) => fetch(...args), DEFAULT_STALL_MS),
  ) {}

  /** The list from the network; undefined when the server says it has not changed (304). */
  async #download(conditional: boolean): Promise<Served | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (conditional && this.#etag) headers['if-none-match'] = this.#etag;
    // no-cache: the browser revalidates instead of answering from its HTTP cache, so the staleness
    // bound is the refresh interval and not also the server's max-age.
    const response = await this.doFetch(this.url, { headers, cache: 'no-cache' });
    if (response.status === 304 && conditional) return undefined;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { experiments?: unknown }).experiments;
    if (!Array.isArray(list)) throw new Error('expected { experiments: [...] } or an array');
    this.#etag = response.headers.get('etag') ?? undefined;
    const holdout = Array.isArray(body) ? undefined : (body as { holdout?: unknown }).holdout;
    return { list, holdout };
  }

  /** Validates everything before taking any of it, so a bad list leaves the current one in force. */
  #parse(served: Served): Map<string, ExperimentConfig> {
    const parsed = new Map(served.list.map((raw) => validateExperiment(raw)).map((e) => [e.key, e]));
    this.#holdout = validateHoldout(served.holdout ?? undefined);
    this.#text = JSON.stringify(served);
    return parsed;
  }

  async #save(served: Served): Promise<void> {
    await this.store.set(LAST_GOOD, served.list);
    // Cached beside the list, so an offline user stays out of experiments the holdout keeps them from.
    await this.store.set(LAST_GOOD_HOLDOUT, served.holdout ?? null);
  }

  async #fetch(): Promise<Map<string, ExperimentConfig>> {
    let served: Served;
    try {
      served = (await this.#download(false)) as Served;
      await this.#save(served);
    } catch (error) {
      const list = await this.store.get<unknown[]>(LAST_GOOD);
      if (!list) {
        throw new EdgewiseError(
          'NETWORK',
          `the experiments at ${this.url} could not be loaded (${error instanceof Error ? error.message : String(error)}) and none are cached`,
          { cause: error },
        );
      }
      served = { list, holdout: await this.store.get<unknown>(LAST_GOOD_HOLDOUT) };
    }
    return this.#parse(served);
  }

  #load(): Promise<Map<string, ExperimentConfig>> {
    this.#loaded ??= this.#fetch();
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    return this.#loaded;
  }

  async get(key: string): Promise<ExperimentConfig> {
    const loaded = await this.#load();
    const experiment = loaded.get(key);
    if (!experiment) {
      const known = [...loaded.keys()];
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `no experiment "${key}" at ${this.url}; known: ${known.length > 0 ? known.join(', ') : 'none'}`,
      );
    }
    return experiment;
  }

  /** The global holdout served with the experiments (`{ experiments, holdout }`), if any. */
  async holdout(): Promise<Holdout | undefined> {
    await this.#load();
    return this.#holdout;
  }

  /**
   * Revalidates the experiments (If-None-Match) and resolves true when they changed: new weights, a
   * stopped arm, a new experiment, a new holdout. Offline or on a server error it keeps the ones it
   * has and resolves false; a list that fails validation is refused the same way, so a bad deploy
   * cannot take the experiments a device already runs away from it.
   */
  async refresh(): Promise<boolean> {
    if (!this.#loaded) return false;
    await this.#loaded.catch(() => undefined);
    let served: Served | undefined;
    try {
      served = await this.#download(true);
    } catch {
      return false;
    }
    if (served === undefined || JSON.stringify(served) === this.#text) return false;
    let parsed: Map<string, ExperimentConfig>;
    const holdout = this.#holdout;
    try {
      parsed = this.#parse(served);
    } catch {
      this.#holdout = holdout;
      return false;
    }
    this.#loaded = Promise.resolve(parsed);
    await this.#save(served).catch(() => undefined);
    return true;
  }
}
