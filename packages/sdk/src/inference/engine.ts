import { EdgewiseError } from '../errors.js';
import type { BackendCandidate, DeviceBackend, DeviceCandidate } from './backend-plan.js';
import { createWithFallback } from './create-with-fallback.js';
import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import { liteRtAdapter } from './litert-adapter.js';
import { collectContent, releasedContent } from './model-content.js';
import { onnxAdapter } from './onnx-adapter.js';
import type { RuntimeAdapter, RuntimeSession } from './runtime-session.js';
import { copyTensors, type Tensor } from './tensors.js';
import { tfjsTfliteAdapter } from './tfjs-tflite-adapter.js';

interface Entry {
  request: LoadRequest;
  session: RuntimeSession;
  info: LoadedModel;
  /** Set when the backend went away; the next run recreates the session further down the list. */
  lost?: string;
}

function adapterFor(request: LoadRequest): RuntimeAdapter {
  if (request.format === 'onnx') return onnxAdapter;
  if (request.format === 'tflite') {
    return request.tfliteRuntime === 'tfjs-tflite' ? tfjsTfliteAdapter : liteRtAdapter;
  }
  throw new EdgewiseError(
    'MODEL_FORMAT',
    `unknown model format "${String(request.format)}": use 'onnx' or 'tflite'`,
  );
}

/**
 * Loads and runs models with the runtime each format needs, and moves a model to its next backend
 * when a GPU goes away. Lives in the inference worker in a browser, and is the host itself in Node.
 */
export class InferenceEngine implements InferenceHost {
  readonly #models = new Map<string, Entry>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  /**
   * One runtime call at a time: onnxruntime-web's WASM instance is shared by every session in this
   * worker, and overlapping creates/runs on it were seen to fail with "memory access out of bounds".
   */
  #tail: Promise<unknown> = Promise.resolve();

  /** Calls queued or running; at 0 a call starts at once instead of a microtask later. */
  #inFlight = 0;

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#inFlight === 0 ? work() : this.#tail.then(work, work);
    this.#inFlight++;
    const settled = result.then(
      () => {
        this.#inFlight--;
      },
      () => {
        this.#inFlight--;
      },
    );
    this.#tail = settled;
    return result;
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.#listeners.add(listener);
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  load(id: string, request: LoadRequest): Promise<LoadedModel> {
    return this.#serial(async () => {
      await this.#disposeNow(id);
      const entry = await this.#open(id, request, request.candidates.slice(0, 1));
      // Only a later backend taking over needs the bytes again; on the last one they can go now.
      if (request.candidates.length <= 1) {
        entry.request = { ...request, content: releasedContent(request.content.files) };
      }
      this.#models.set(id, entry);
      return entry.info;
    });
  }

  /** Opens the model on the first candidate that works; at load time placement passes just one. */
  async #open(id: string, request: LoadRequest, candidates: readonly BackendCandidate[]): Promise<Entry> {
    const adapter = adapterFor(request);
    const usable = candidates.filter((c): c is DeviceCandidate =>
      adapter.backends.includes(c.backend as DeviceBackend),
    );
    if (usable.length === 0 && candidates.length > 0) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `${adapter.name} runs on ${adapter.backends.join(' or ')} only, not ${candidates.map((c) => c.backend).join(', ')}: allow one of those backends${request.tfliteRuntime === 'tfjs-tflite' ? ", or use tfliteRuntime: 'litert'" : ''}`,
      );
    }
    const { model, externalData } = await collectContent(request.content);
    if (externalData.length > 0 && request.format !== 'onnx') {
      throw new EdgewiseError(
        'MODEL_FORMAT',
        `external data files belong to ONNX models; this ${request.format} model lists ${externalData.length} — remove externalData from its manifest entry`,
      );
    }
    const { session, candidate, failed } = await createWithFallback(
      usable,
      (candidate) =>
        adapter.createSession(model, candidate, {
          ...(externalData.length > 0 ? { externalData } : {}),
          runtimeBaseUrl: request.runtimeBaseUrl,
          ...(request.tfliteRuntime ? { tfliteRuntime: request.tfliteRuntime } : {}),
        }),
      (from, to) =>
        this.#emit({ type: 'fallback', modelId: id, from: from.backend, to: to?.backend, error: from.error }),
    );
    const entry: Entry = {
      request,
      session,
      info: {
        backend: candidate.backend,
        reason: candidate.reason,
        threads: candidate.threads,
        runtime: adapter.name,
        inputs: session.inputs,
        outputs: session.outputs,
        failed,
      },
    };
    session.lost?.then((why) => {
      entry.lost = why;
    });
    return entry;
  }

  #entry(id: string): Entry {
    const entry = this.#models.get(id);
    if (!entry) {
      throw new EdgewiseError(
        'DISPOSED',
        `model ${id} is not loaded (disposed, or never loaded): load it again`,
      );
    }
    return entry;
  }

  // Runs wait their turn (#serial), so inputs not handed over are copied now, while they are as given.
  run(id: string, feeds: Record<string, Tensor>, handOver = false): Promise<Record<string, Tensor>> {
    if (!handOver) feeds = copyTensors(feeds);
    return this.#serial(async () => {
      let entry = this.#entry(id);
      if (entry.lost) entry = await this.#recover(id, entry, entry.lost);
      return entry.session.run(feeds);
    });
  }

  runMany(
    id: string,
    feedsList: Record<string, Tensor>[],
    handOver = false,
  ): Promise<Record<string, Tensor>[]> {
    if (!handOver) feedsList = feedsList.map(copyTensors);
    return this.#serial(async () => {
      const results: Record<string, Tensor>[] = [];
      for (const feeds of feedsList) {
        let entry = this.#entry(id);
        if (entry.lost) entry = await this.#recover(id, entry, entry.lost);
        results.push(await entry.session.run(feeds));
      }
      return results;
    });
  }

  /** The GPU went away: reopen the model on the next backend in its list and say so. */
  async #recover(id: string, entry: Entry, why: string): Promise<Entry> {
    const rest = entry.request.candidates.filter((c) => c.backend !== entry.info.backend);
    this.#emit({
      type: 'fallback',
      modelId: id,
      from: entry.info.backend,
      to: rest[0]?.backend,
      error: why,
      cause: 'device-lost',
    });
    await entry.session.dispose().catch(() => undefined);
    const next = await this.#open(id, entry.request, rest);
    next.info.failed.unshift({ backend: entry.info.backend, error: why });
    this.#models.set(id, next);
    return next;
  }

  dispose(id: string): Promise<void> {
    return this.#serial(() => this.#disposeNow(id));
  }

  async #disposeNow(id: string): Promise<void> {
    const entry = this.#models.get(id);
    if (!entry) return;
    this.#models.delete(id);
    await entry.session.dispose();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#models.keys()].map((id) => this.dispose(id)));
  }
}
