import { EdgewiseError } from '../errors.js';
import { DEFAULT_STALL_MS, stallGuard } from '../models/stall-guard.js';
import { validateExperiment } from './experiment-config.js';
import type { ExperimentConfig } from './experiment-types.js';
import { defaultKeyValueStore, type KeyValueStore } from './key-value-store.js';

const LAST_GOOD = 'last-good-experiments';

/**
 * Fetches the experiment configs (`GET /v1/experiments` or a static JSON file) and keeps the last good
 * copy, so an offline PWA still assigns users to the arms it knew. `refresh()` revalidates with the
 * server's ETag (a 304 costs no body), so polling it is cheap.
 */
export class ExperimentsClient {
  #loaded: Promise<Map<string, ExperimentConfig>> | undefined;
  #etag: string | undefined;
  /** The served list as text, to tell a changed list from a re-sent one. */
  #text: string | undefined;

  constructor(
    private readonly url: string,
    private readonly store: KeyValueStore = defaultKeyValueStore('edgewise-experiments'),
    private readonly doFetch: typeof fetch = stallGuard((...args) => fetch(...args), DEFAULT_STALL_MS),
  ) {}

  /** The list from the network; undefined when the server says it has not changed (304). */
  async #download(conditional: boolean): Promise<unknown[] | undefined> {
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
    return list;
  }

  #parse(list: unknown[]): Map<string, ExperimentConfig> {
    const parsed = new Map(list.map((raw) => validateExperiment(raw)).map((e) => [e.key, e]));
    this.#text = JSON.stringify(list);
    return parsed;
  }

  async #fetch(): Promise<Map<string, ExperimentConfig>> {
    let list: unknown[] | undefined;
    try {
      list = (await this.#download(false)) as unknown[];
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
    return this.#parse(list);
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

  /**
   * Revalidates the experiments (If-None-Match) and resolves true when they changed: new weights, a
   * stopped arm, a new experiment. Offline or on a server error it keeps the ones it has and
   * resolves false; a list that fails validation is refused the same way, so a bad deploy cannot
   * take the experiments a device already runs away from it.
   */
  async refresh(): Promise<boolean> {
    if (!this.#loaded) return false;
    await this.#loaded.catch(() => undefined);
    let list: unknown[] | undefined;
    try {
      list = await this.#download(true);
    } catch {
      return false;
    }
    if (list === undefined || JSON.stringify(list) === this.#text) return false;
    let parsed: Map<string, ExperimentConfig>;
    try {
      parsed = this.#parse(list);
    } catch {
      return false;
    }
    this.#loaded = Promise.resolve(parsed);
    await this.store.set(LAST_GOOD, list).catch(() => undefined);
    return true;
  }
}
