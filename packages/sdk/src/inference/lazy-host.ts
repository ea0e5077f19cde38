import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import type { Tensor } from './tensors.js';

/**
 * An InferenceHost created on first use from a dynamic import, so the in-process engine and its
 * runtime adapters (needed in Node only) stay out of the browser's main-thread bundle.
 */
export class LazyHost implements InferenceHost {
  #host: Promise<InferenceHost> | undefined;
  readonly #listeners: ((event: EngineEvent) => void)[] = [];

  constructor(private readonly create: () => Promise<InferenceHost>) {}

  #get(): Promise<InferenceHost> {
    this.#host ??= this.create().then((host) => {
      for (const listener of this.#listeners) host.onEvent(listener);
      return host;
    });
    return this.#host;
  }

  async load(id: string, request: LoadRequest): Promise<LoadedModel> {
    return (await this.#get()).load(id, request);
  }

  async run(id: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    return (await this.#get()).run(id, feeds);
  }

  async runMany(id: string, feeds: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]> {
    return (await this.#get()).runMany(id, feeds);
  }

  async dispose(id: string): Promise<void> {
    if (this.#host) await (await this.#host).dispose(id);
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.#listeners.push(listener);
    void this.#host?.then((host) => host.onEvent(listener));
  }

  async close(): Promise<void> {
    if (this.#host) await (await this.#host).close();
  }
}
