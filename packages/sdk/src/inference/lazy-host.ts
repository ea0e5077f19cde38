import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import { copyTensors, type Tensor } from './tensors.js';

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

  // The host arrives after an await: the caller's arrays are copied now, as the contract asks.
  run(id: string, feeds: Record<string, Tensor>, handOver = false): Promise<Record<string, Tensor>> {
    const own = handOver ? feeds : copyTensors(feeds);
    return this.#get().then((host) => host.run(id, own, true));
  }

  runMany(id: string, feeds: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]> {
    const own = feeds.map(copyTensors);
    return this.#get().then((host) => host.runMany(id, own, true));
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
