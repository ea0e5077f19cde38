import * as Comlink from 'comlink';
import { EdgewiseError } from '../errors.js';
import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import { elementCount, type Tensor, transferablesOf } from './tensors.js';
import type { InferenceWorkerApi } from './worker.js';

/** More restarts than this within the window means the worker cannot start at all. */
const MAX_RESTARTS = 3;
const CRASH_WINDOW_MS = 10_000;

interface Pending {
  reject(error: unknown): void;
  retry(): void;
}

function restore(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return EdgewiseError.fromJSON(error as Parameters<typeof EdgewiseError.fromJSON>[0]);
  }
  return error;
}

/**
 * The main-thread side of the inference worker. Keeps what it needs to rebuild the worker: if the
 * worker dies, a new one is started, every model is loaded again, and calls that were in flight are
 * retried once (predictions have no side effects); a call that fails twice gets WORKER_CRASHED.
 */
export class WorkerHost implements InferenceHost {
  #worker!: Worker;
  #api!: Comlink.Remote<InferenceWorkerApi>;
  #generation = 0;
  #restarting: Promise<void> | undefined;
  readonly #requests = new Map<string, LoadRequest>();
  readonly #pending = new Set<Pending>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  #closed = false;
  /** Set when the worker keeps dying: calls fail fast with this reason instead of looping. */
  #broken: string | undefined;
  readonly #recentRestarts: number[] = [];

  constructor(private readonly createWorker: () => Worker) {
    this.#start();
  }

  #start(): void {
    const generation = ++this.#generation;
    this.#worker = this.createWorker();
    this.#api = Comlink.wrap<InferenceWorkerApi>(this.#worker);
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (generation === this.#generation) void this.#restart(`worker error: ${event.message || 'unknown'}`);
    });
    void this.#api.onEvent(Comlink.proxy((e: EngineEvent) => this.#emit(e)));
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #restart(reason: string): Promise<void> {
    const now = Date.now();
    this.#recentRestarts.push(now);
    while (this.#recentRestarts[0]! < now - CRASH_WINDOW_MS) this.#recentRestarts.shift();
    if (this.#recentRestarts.length > MAX_RESTARTS) {
      this.#broken = `the inference worker failed ${this.#recentRestarts.length} times in ${CRASH_WINDOW_MS / 1000} s (last: ${reason}); check that the SDK's worker file and the runtimes under runtimeBaseUrl are served, then create a new Edgewise instance`;
      this.#worker.terminate();
      for (const call of this.#pending) call.reject(new EdgewiseError('WORKER_CRASHED', this.#broken));
      this.#pending.clear();
      return Promise.resolve();
    }
    this.#restarting ??= (async () => {
      this.#api[Comlink.releaseProxy]();
      this.#worker.terminate();
      this.#start();
      for (const [id, request] of this.#requests) {
        await this.#api.load(id, { ...request, bytes: request.bytes.slice() }).catch(() => undefined);
      }
      const waiting = [...this.#pending];
      this.#pending.clear();
      for (const call of waiting) call.retry();
      this.#emit({ type: 'worker-restarted', reason, retried: waiting.length });
    })().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  /** Runs a call; if the worker dies meanwhile, runs it once more on the new worker. */
  #call<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new EdgewiseError('DISPOSED', 'this Edgewise instance is closed'));
    return new Promise<T>((resolve, reject) => {
      let attempts = 0;
      const pending: Pending = {
        reject,
        retry: () => {
          if (attempts >= 2) {
            this.#pending.delete(pending);
            reject(
              new EdgewiseError(
                'WORKER_CRASHED',
                'the inference worker crashed twice during this call; try again',
              ),
            );
            return;
          }
          attempt();
        },
      };
      const attempt = () => {
        attempts++;
        const generation = this.#generation;
        this.#pending.add(pending);
        (this.#restarting ?? Promise.resolve()).then(work).then(
          (value) => {
            if (generation !== this.#generation && this.#pending.has(pending)) return;
            this.#pending.delete(pending);
            resolve(value);
          },
          (error) => {
            if (generation !== this.#generation && this.#pending.has(pending)) return;
            this.#pending.delete(pending);
            reject(restore(error));
          },
        );
      };
      attempt();
    });
  }

  async load(id: string, request: LoadRequest): Promise<LoadedModel> {
    // The worker gets its own copy; ours stays here to rebuild the worker after a crash.
    this.#requests.set(id, request);
    try {
      return await this.#call(() => {
        const copy = request.bytes.slice();
        return this.#api.load(
          id,
          Comlink.transfer({ ...request, bytes: copy }, [copy.buffer as ArrayBuffer]),
        );
      });
    } catch (error) {
      this.#requests.delete(id);
      throw error;
    }
  }

  run(id: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    // Transferred, not copied: predict() hands its input buffers over (see Model.predict).
    return this.#call(async () => {
      if (Object.values(feeds).some((t) => elementCount(t.dims) > 0 && t.data.byteLength === 0)) {
        throw new EdgewiseError(
          'WORKER_CRASHED',
          'the inference worker crashed during this call after its inputs were transferred to it; call predict again',
        );
      }
      return this.#api.run(id, Comlink.transfer(feeds, transferablesOf(feeds)));
    });
  }

  /** Inputs here are the caller's copies (see Model.predictBatch), so transferring them is safe. */
  runMany(id: string, feedsList: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]> {
    return this.#call(async () => {
      if (
        feedsList.some((feeds) =>
          Object.values(feeds).some((t) => elementCount(t.dims) > 0 && t.data.byteLength === 0),
        )
      ) {
        throw new EdgewiseError(
          'WORKER_CRASHED',
          'the inference worker crashed during this call after its inputs were transferred to it; call predictBatch again',
        );
      }
      return this.#api.runMany(id, Comlink.transfer(feedsList, feedsList.flatMap(transferablesOf)));
    });
  }

  async dispose(id: string): Promise<void> {
    this.#requests.delete(id);
    await this.#call(() => this.#api.dispose(id));
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.#listeners.add(listener);
  }

  /** Test hook: makes the worker die as a runtime abort would. */
  crashWorkerForTesting(): void {
    void this.#api.crash();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const call of this.#pending)
      call.reject(new EdgewiseError('DISPOSED', 'this Edgewise instance was closed'));
    this.#pending.clear();
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
  }
}
