import * as Comlink from 'comlink';
import { EdgewiseError } from '../errors.js';
import { withTimeout } from '../timeout.js';
import type { EngineEvent, InferenceHost, LoadedModel, LoadRequest } from './engine-types.js';
import { type PackedItems, packItems } from './packed-items.js';
import { RunClient } from './run-channel.js';
import { copyTensors, elementCount, type Tensor } from './tensors.js';
import type { InferenceWorkerApi, WorkerLoadRequest } from './worker.js';

/** More restarts than this within the window means the worker cannot start at all. */
const MAX_RESTARTS = 3;
const CRASH_WINDOW_MS = 10_000;
/** A worker that has not answered its first call by then is taken as dead (its script did not load). */
export const DEFAULT_WORKER_START_MS = 10_000;

interface Pending {
  reject(error: unknown): void;
  retry(): void;
}

/** A non-empty input whose buffer is gone went to a worker that died with it. */
function wasTransferred(feeds: Record<string, Tensor>): boolean {
  for (const name in feeds) {
    const t = feeds[name]!;
    if (t.data.byteLength === 0 && elementCount(t.dims) > 0) return true;
  }
  return false;
}

function wasPackedAway(packed: PackedItems): boolean {
  for (const name in packed.tensors) {
    const t = packed.tensors[name]!;
    if (t.data.byteLength === 0 && t.data.length === 0 && t.dims.some((d) => elementCount(d) > 0))
      return true;
  }
  return false;
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
  /** Predictions go as plain messages beside Comlink's (see run-channel.ts); Comlink carries the rest. */
  #runs!: RunClient;
  #generation = 0;
  #restarting: Promise<void> | undefined;
  /** Settles when the current worker answered its first call, or rejects when it did not in time. */
  #ready!: Promise<void>;
  /** The current worker answered: calls start at once, without waiting on #ready. */
  #started = false;
  /** The generation whose worker was last stopped. */
  #stopped = 0;
  readonly #requests = new Map<string, LoadRequest>();
  readonly #pending = new Set<Pending>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  #closed = false;
  /** Set when the worker keeps dying: calls fail fast with this reason instead of looping. */
  #broken: string | undefined;
  readonly #recentRestarts: number[] = [];
  readonly #reasons: string[] = [];
  /** Named in WORKER_CRASHED: where the worker was told to load its runtimes from. */
  #runtimeBase: string | undefined;

  /** No worker runs: none was needed yet, or the last model was disposed (its memory went back). */
  #idle = true;
  /** Loads the current worker has done, for `recycleAfterLoads`. */
  #loadsInWorker = 0;
  #uploads = 0;

  constructor(
    private readonly createWorker: () => Worker,
    private readonly startTimeoutMs = DEFAULT_WORKER_START_MS,
    /** After this many loads the next load gets a fresh worker (the models move with it): WASM memory never shrinks. */
    private readonly recycleAfterLoads = Number.POSITIVE_INFINITY,
  ) {}

  #wake(): void {
    if (!this.#idle) return;
    this.#idle = false;
    this.#start();
  }

  #start(): void {
    this.#loadsInWorker = 0;
    const generation = ++this.#generation;
    this.#worker = this.createWorker();
    this.#runs = new RunClient(this.#worker);
    this.#api = Comlink.wrap<InferenceWorkerApi>(this.#worker);
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      if (generation === this.#generation)
        void this.#restart(`worker error: ${event.message || 'its script did not load'}`, generation);
    });
    void this.#api.onEvent(Comlink.proxy((e: EngineEvent) => this.#emit(e)));
    this.#started = false;
    this.#ready = withTimeout(
      this.#api.ready().then(() => {
        if (generation === this.#generation) this.#started = true;
      }),
      this.startTimeoutMs,
      () => new Error(`no answer within ${this.startTimeoutMs / 1000} s`),
    );
    this.#ready.catch((error: Error) => {
      if (generation === this.#generation)
        void this.#restart(`worker did not start: ${error.message}`, generation);
    });
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** `generation` is the worker that failed: a second report of the same failure adds nothing. */
  #restart(reason: string, generation = this.#generation, crashed = true): Promise<void> {
    if (this.#broken || this.#closed || this.#idle) return Promise.resolve();
    if (this.#restarting && generation < this.#generation) return this.#restarting;
    const now = Date.now();
    if (crashed) this.#recentRestarts.push(now);
    while (this.#recentRestarts[0]! < now - CRASH_WINDOW_MS) this.#recentRestarts.shift();
    this.#reasons.push(reason);
    if (this.#recentRestarts.length > MAX_RESTARTS) {
      this.#broken = `the inference worker failed ${this.#recentRestarts.length} times in ${CRASH_WINDOW_MS / 1000} s (${[...new Set(this.#reasons)].join('; ')}); check that the SDK's worker chunk (emitted next to its index.js) and the runtimes under runtimeBaseUrl${this.#runtimeBase ? ` (${this.#runtimeBase})` : ''} are served, then create a new Edgewise instance`;
      this.#stopWorker();
      for (const call of this.#pending) call.reject(new EdgewiseError('WORKER_CRASHED', this.#broken));
      this.#pending.clear();
      return Promise.resolve();
    }
    // The models to carry over are those loaded now; a load that starts meanwhile loads itself.
    const reload = [...this.#requests];
    const restarting = (async () => {
      this.#stopWorker();
      this.#start();
      const generation = this.#generation;
      await this.#ready;
      for (const [id, request] of reload) {
        await this.#api
          .load(id, await this.#upload(request))
          .then(() => this.#loadsInWorker++)
          .catch(() => undefined);
      }
      if (generation !== this.#generation) return;
      const waiting = [...this.#pending];
      this.#pending.clear();
      for (const call of waiting) call.retry();
      this.#emit({ type: 'worker-restarted', reason, retried: waiting.length, crashed });
    })();
    this.#restarting = restarting;
    // A new worker that does not start either restarts again from its own error or timeout.
    restarting
      .catch(() => undefined)
      .finally(() => {
        if (this.#restarting === restarting) this.#restarting = undefined;
      });
    return restarting.catch(() => undefined);
  }

  /** Runs a call; if the worker dies meanwhile, runs it once more on the new worker. */
  #call<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new EdgewiseError('DISPOSED', 'this Edgewise instance is closed'));
    if (this.#broken) return Promise.reject(new EdgewiseError('WORKER_CRASHED', this.#broken));
    this.#wake();
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
        // Started at once when nothing is in the way, so a run posts its inputs before this returns.
        (this.#postsNow() ? work() : (this.#restarting ?? this.#ready).then(work)).then(
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

  /** Whether a call made now reaches the worker now (it started, and no restart is under way). */
  #postsNow(): boolean {
    return this.#started && !this.#restarting && !this.#idle && !this.#broken && !this.#closed;
  }

  async load(id: string, request: LoadRequest): Promise<LoadedModel> {
    // The request stays here, its content readable again, to rebuild the worker after a crash.
    if (!this.#idle && this.#loadsInWorker >= this.recycleAfterLoads && !this.#restarting) {
      void this.#restart(`recycled after ${this.#loadsInWorker} loads`, this.#generation, false);
    }
    this.#requests.set(id, request);
    this.#runtimeBase = request.runtimeBaseUrl;
    try {
      const loaded = await this.#call(async () => this.#api.load(id, await this.#upload(request)));
      this.#loadsInWorker++;
      return loaded;
    } catch (error) {
      this.#requests.delete(id);
      throw error;
    }
  }

  /**
   * Sends a model's files to the worker chunk by chunk, each chunk transferred (not copied), reading
   * the next one while the worker stores the last: this thread holds two chunks at most.
   */
  async #upload(request: LoadRequest): Promise<WorkerLoadRequest> {
    const { content, ...rest } = request;
    const upload = `upload-${++this.#uploads}`;
    const api = this.#api;
    await api.begin(
      upload,
      content.files.map((f) => ({ path: f.path, bytes: f.bytes })),
    );
    const offsets = content.files.map(() => 0);
    const chunks = content.chunks()[Symbol.asyncIterator]();
    try {
      let next = chunks.next();
      for (;;) {
        const { done, value } = await next;
        if (done) break;
        next = chunks.next();
        const own =
          value.data.byteOffset === 0 && value.data.byteLength === value.data.buffer.byteLength
            ? value.data
            : value.data.slice();
        const at = offsets[value.file] ?? 0;
        offsets[value.file] = at + own.byteLength;
        await api.receive(upload, value.file, at, Comlink.transfer(own, [own.buffer as ArrayBuffer]));
      }
    } catch (error) {
      void api.abandon(upload).catch(() => undefined);
      await chunks.return?.();
      throw error;
    }
    return { ...rest, upload };
  }

  run(id: string, feeds: Record<string, Tensor>, handOver = false): Promise<Record<string, Tensor>> {
    // A call that has to wait for the worker posts later: copy now, so that what the caller writes to
    // its arrays meanwhile does not reach the model.
    if (!handOver && !this.#postsNow()) {
      feeds = copyTensors(feeds);
      handOver = true;
    }
    return this.#call(async () => {
      if (handOver && wasTransferred(feeds)) {
        throw new EdgewiseError(
          'WORKER_CRASHED',
          'the inference worker crashed during this call after its inputs were transferred to it; call predict again',
        );
      }
      return this.#runs.run(id, feeds, handOver);
    });
  }

  /** The items are packed now into one copy per input name (see packed-items.ts); the caller's stay intact. */
  runMany(id: string, feedsList: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]> {
    let packed = packItems(feedsList);
    return this.#call(async () => {
      // A retry after a crash: the first packing went to the dead worker.
      if (wasPackedAway(packed)) packed = packItems(feedsList);
      return this.#runs.runMany(id, packed);
    });
  }

  async dispose(id: string): Promise<void> {
    const had = this.#requests.delete(id);
    if (this.#idle) return;
    await this.#call(() => this.#api.dispose(id));
    // The last model gone: end the worker, so its WASM memory (which never shrinks) goes back to
    // the OS; the next load starts a fresh one.
    if (had && this.#requests.size === 0 && this.#pending.size === 0 && !this.#restarting) {
      this.#stopWorker();
      this.#idle = true;
    }
  }

  onEvent(listener: (event: EngineEvent) => void): void {
    this.#listeners.add(listener);
  }

  /** Test hook: makes the worker die as a runtime abort would. */
  crashWorkerForTesting(): void {
    if (!this.#idle) void this.#api.crash();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const call of this.#pending)
      call.reject(new EdgewiseError('DISPOSED', 'this Edgewise instance was closed'));
    this.#pending.clear();
    this.#stopWorker();
  }

  /** Ends the current worker and its proxy, once: a proxy released twice throws. */
  #stopWorker(): void {
    if (this.#stopped === this.#generation || this.#generation === 0) return;
    this.#stopped = this.#generation;
    this.#api[Comlink.releaseProxy]();
    this.#runs.close();
    this.#worker.terminate();
  }
}
