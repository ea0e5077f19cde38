import { EdgewiseError } from '../errors.js';
import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import { remotePredict } from './remote-predict.js';
import { copyTensors, type Tensor } from './tensors.js';

/**
 * The server as one more place a model can run: the same contract as the worker, answered by
 * `POST /v1/predict`. Nothing is downloaded; the server runs the version by name.
 */
export class RemoteHost implements InferenceHost {
  readonly #models = new Map<string, { name: string; version: string }>();

  constructor(
    private readonly serverUrl: string,
    /** Sent with every prediction (the write key). */
    private readonly headers: Record<string, string> = {},
    private readonly fetchFn?: typeof fetch,
  ) {}

  async load(id: string, request: LoadRequest): Promise<LoadedModel> {
    const candidate = request.candidates[0];
    if (!request.inputs || !request.outputs || !candidate) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `the server cannot run ${request.name}@${request.version} for this client: its manifest entry lists no inputs and outputs to check predictions against`,
      );
    }
    this.#models.set(id, { name: request.name, version: request.version });
    return {
      backend: candidate.backend,
      reason: candidate.reason,
      threads: 1,
      runtime: 'server',
      inputs: request.inputs,
      outputs: request.outputs,
      failed: [],
    };
  }

  run(id: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const model = this.#models.get(id);
    if (!model) {
      return Promise.reject(
        new EdgewiseError('DISPOSED', `model ${id} is not loaded (disposed, or never loaded): load it again`),
      );
    }
    return remotePredict(this.serverUrl, model, feeds, {
      headers: this.headers,
      ...(this.fetchFn ? { fetch: this.fetchFn } : {}),
    });
  }

  async runMany(
    id: string,
    feedsList: Record<string, Tensor>[],
    handOver = false,
  ): Promise<Record<string, Tensor>[]> {
    // Each item is encoded when its request goes, after the last one's answer: copies until then.
    const own = handOver ? feedsList : feedsList.map(copyTensors);
    const results: Record<string, Tensor>[] = [];
    for (const feeds of own) results.push(await this.run(id, feeds));
    return results;
  }

  async dispose(id: string): Promise<void> {
    this.#models.delete(id);
  }

  /** The server reports nothing between calls. */
  onEvent(_listener: (event: EngineEvent) => void): void {}

  async close(): Promise<void> {
    this.#models.clear();
  }
}
