import { InferenceEngine } from './engine.js';
import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import type { Tensor } from './tensors.js';

/** Node and edge runtimes: the same contract as the worker, on this thread. */
export class InProcessHost implements InferenceHost {
  readonly #engine = new InferenceEngine();

  load(id: string, request: LoadRequest): Promise<LoadedModel> {
    return this.#engine.load(id, request);
  }

  run(id: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    return this.#engine.run(id, feeds);
  }

  runMany(id: string, feeds: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]> {
    return this.#engine.runMany(id, feeds);
  }

  dispose(id: string): Promise<void> {
    return this.#engine.dispose(id);
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.#engine.onEvent(listener);
  }

  close(): Promise<void> {
    return this.#engine.close();
  }
}
