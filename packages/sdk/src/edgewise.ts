import { createInferenceWorker } from './create-worker.js';
import { EdgewiseError } from './errors.js';
import type { EventQueue } from './events/event-queue.js';
import type { EventQueueOptions, FlushResult } from './events/event-queue-options.js';
import type { Assignment } from './experiments/experiment-types.js';
import type { ExperimentsClient } from './experiments/experiments-client.js';
import type { ExposureLog } from './experiments/exposure-log.js';
import type { StickyAssignments } from './experiments/sticky-assignments.js';
import { type Backend, planBackends } from './inference/backend-plan.js';
import { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
import type { EngineEvent, InferenceHost } from './inference/engine-types.js';
import { LazyHost } from './inference/lazy-host.js';
import { isNode } from './inference/runtime-session.js';
import { WorkerHost } from './inference/worker-host.js';
import { Model, type ModelDescription } from './model.js';
import type { ModelStoreEvents } from './models/events.js';
import type { PublicKeyInput } from './models/manifest-signature.js';
import type { ModelFormat } from './models/manifest-types.js';
import type { ModelStore } from './models/model-store.js';
import type { ProgressCallback } from './models/progress.js';
import type { ModelCacheApi } from './models/store-types.js';

type Parts = typeof import('./edgewise-parts.js');

export interface EdgewiseConfig {
  /** The model manifest: a static models/manifest.json, or the server's /v1/manifest. */
  manifestUrl?: string;
  experimentsUrl?: string;
  collectorUrl?: string;
  writeKey?: string;
  userId?: string;
  /** Backend preference, best first. Default: webgpu, wasm, then remote when a server is known. */
  backends?: Backend[];
  /** The server for remote inference (POST /v1/predict); defaults to the origin of a /v1/ manifestUrl. */
  serverUrl?: string;
  /** Where onnxruntime-web and LiteRT.js files are served (the Vite plugin serves them at /edgewise/). */
  runtimeBaseUrl?: string;
  /** Entries in each model's prediction cache (LRU keyed by version + input bytes). 0 = off, the default. */
  predictionCacheSize?: number;
  /** WASM threads to use when the page is cross-origin isolated (default: cores, at most 4). */
  wasmThreads?: number;
  /**
   * Which runtime runs TFLite models: LiteRT.js (default; WebGPU and WASM) or @tensorflow/tfjs-tflite
   * (WASM only; its files are served under runtimeBaseUrl at tfjs-tflite/).
   */
  tfliteRuntime?: 'litert' | 'tfjs-tflite';
  /** Ed25519 public key: manifests must carry a valid signature by it (else INTEGRITY). */
  publicKey?: PublicKeyInput;
  /** Ask the browser to keep cached models under storage pressure (navigator.storage.persist()). */
  persistStorage?: boolean;
  /** Event batching and retry settings. */
  events?: Partial<Omit<EventQueueOptions, 'collectorUrl' | 'writeKey'>>;
  /** Run models in a Web Worker (default in browsers) or on this thread (default in Node). */
  worker?: boolean;
}

/** Things that happen without a call to report them on: fallbacks, restarts, rollbacks, evictions. */
export type EdgewiseNotice =
  | EngineEvent
  | ({ type: 'rollback' } & ModelStoreEvents['rollback'])
  | ({ type: 'evicted' } & ModelStoreEvents['evicted'])
  | ({ type: 'integrity-failed' } & ModelStoreEvents['integrity-failed'])
  | ({ type: 'manifest-offline' } & ModelStoreEvents['manifest-offline']);

export interface LoadOptions {
  version?: string;
  channel?: string;
  /** Force a manifest variant ('int8', 'tflite-fp32', …); by default the one that suits the backend. */
  variant?: string;
  format?: ModelFormat;
  /** Load the model version of this user's arm in the experiment, and log the exposure. */
  experiment?: string;
  backends?: Backend[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface LoadBytesOptions {
  format: ModelFormat;
  name?: string;
  version?: string;
  backends?: Backend[];
}

function defaultRuntimeBase(): string {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return here ? new URL('/edgewise/', here).href : 'file:///';
}

function serverFromManifest(manifestUrl: string | undefined): string | undefined {
  if (!manifestUrl) return undefined;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(manifestUrl, base);
  const at = url.pathname.indexOf('/v1/');
  return at >= 0 ? new URL(url.pathname.slice(0, at + 1), url).href : undefined;
}

/**
 * The Edgewise client: loads models on the best backend this device has, off the main thread.
 *
 * @example
 * const ew = await Edgewise.create({ manifestUrl: '/models/manifest.json', userId: 'user-123' });
 * const model = await ew.load('iris');
 * const { probabilities } = await model.predict({ input: new Float32Array([5.1, 3.5, 1.4, 0.2]) });
 */
export class Edgewise {
  readonly #host: InferenceHost;
  readonly #listeners = new Set<(event: EdgewiseNotice) => void>();
  readonly #store: ModelStore | undefined;
  readonly #experiments: ExperimentsClient | undefined;
  readonly #queue: EventQueue | undefined;
  readonly #assignments: StickyAssignments;
  readonly #exposures: ExposureLog;
  readonly #parts: Parts;
  #userId: string | undefined;
  readonly #models = new Map<string, Model>();
  #capabilities: Promise<BackendCapabilities> | undefined;
  #nextId = 0;
  #closed = false;
  readonly runtimeBaseUrl: string;
  readonly serverUrl: string | undefined;

  private constructor(
    readonly config: EdgewiseConfig,
    parts: Parts,
  ) {
    this.#parts = parts;
    this.#assignments = new parts.StickyAssignments();
    this.#exposures = new parts.ExposureLog();
    const useWorker = config.worker ?? (!isNode() && typeof Worker === 'function');
    this.#host = useWorker
      ? new WorkerHost(createInferenceWorker)
      : new LazyHost(async () => new (await import('./inference/in-process-host.js')).InProcessHost());
    this.#host.onEvent((event) => {
      if (event.type === 'fallback' && event.to) {
        this.#models.get(event.modelId)?.movedTo({ backend: event.to, reason: `fell back: ${event.error}` });
      }
      this.#notify(event);
    });
    this.#userId = config.userId;
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (config.manifestUrl) {
      this.#store = new parts.ModelStore({
        manifestUrl: new URL(config.manifestUrl, base).href,
        ...(config.publicKey ? { publicKey: config.publicKey } : {}),
        ...(config.persistStorage ? { persist: true } : {}),
      });
      for (const type of ['rollback', 'evicted', 'integrity-failed', 'manifest-offline'] as const) {
        this.#store.on(type, (payload) => this.#notify({ type, ...payload } as EdgewiseNotice));
      }
    }
    if (config.experimentsUrl)
      this.#experiments = new parts.ExperimentsClient(new URL(config.experimentsUrl, base).href);
    if (config.collectorUrl) {
      this.#queue = new parts.EventQueue({
        ...config.events,
        collectorUrl: new URL(config.collectorUrl, base).href,
        ...(config.writeKey ? { writeKey: config.writeKey } : {}),
      });
    }
    this.runtimeBaseUrl = config.runtimeBaseUrl
      ? new URL(config.runtimeBaseUrl, (globalThis as { location?: { href: string } }).location?.href).href
      : defaultRuntimeBase();
    this.serverUrl = config.serverUrl ?? serverFromManifest(config.manifestUrl);
  }

  static async create(config: EdgewiseConfig = {}): Promise<Edgewise> {
    if (config.backends) {
      const bad = config.backends.filter((b) => !['webgpu', 'wasm', 'remote'].includes(b));
      if (bad.length > 0 || config.backends.length === 0) {
        throw new EdgewiseError(
          'CONFIG',
          `backends must be a non-empty list of 'webgpu', 'wasm', 'remote'; got ${JSON.stringify(config.backends)}`,
        );
      }
    }
    if (config.predictionCacheSize !== undefined && !(config.predictionCacheSize >= 0)) {
      throw new EdgewiseError(
        'CONFIG',
        'predictionCacheSize must be 0 (off) or a positive number of entries',
      );
    }
    return new Edgewise(config, await import('./edgewise-parts.js'));
  }

  /** What this device supports, detected once. */
  capabilities(): Promise<BackendCapabilities> {
    this.#capabilities ??= detectBackends();
    return this.#capabilities;
  }

  #notify(event: EdgewiseNotice): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** The user experiments assign; change it when someone signs in. */
  get userId(): string | undefined {
    return this.#userId;
  }
  set userId(id: string | undefined) {
    this.#userId = id;
  }

  /** Cached model versions: list, size, delete, prefetch. */
  get cache(): ModelCacheApi {
    return this.#requireStore('cache').cache;
  }

  #requireStore(what: string): ModelStore {
    if (!this.#store) {
      throw new EdgewiseError('CONFIG', `${what} needs a manifest: pass manifestUrl to Edgewise.create()`);
    }
    return this.#store;
  }

  on(listener: (event: EdgewiseNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new EdgewiseError('DISPOSED', 'this Edgewise instance was closed: create a new one');
  }

  /** @internal shared by load() and loadBytes(). */
  async openModel(
    bytes: Uint8Array,
    meta: Omit<
      ModelDescription,
      'backend' | 'backendReason' | 'runtime' | 'threads' | 'inputs' | 'outputs'
    > & {
      inputs?: ModelDescription['inputs'];
      outputs?: ModelDescription['outputs'];
      backends?: Backend[];
      onReward?: (value: number) => Promise<void>;
      onPrediction?: (latencyMs: number) => void;
      onDispose?: () => void;
    },
  ): Promise<Model> {
    this.#checkOpen();
    const caps = await this.capabilities();
    const plan = planBackends(caps, {
      format: meta.format,
      ...((meta.backends ?? this.config.backends)
        ? { preference: meta.backends ?? this.config.backends }
        : {}),
      remoteAvailable: this.serverUrl !== undefined && meta.inputs !== undefined,
      ...(this.config.wasmThreads ? { threads: this.config.wasmThreads } : {}),
    });
    const local = plan.candidates.filter((c) => c.backend !== 'remote');
    const id = `m${++this.#nextId}`;
    let description: ModelDescription;
    try {
      if (local.length === 0 || bytes.byteLength === 0) {
        throw new EdgewiseError('BACKEND_UNAVAILABLE', 'no on-device backend was requested or available');
      }
      const loaded = await this.#host.load(id, {
        bytes,
        format: meta.format,
        candidates: local,
        runtimeBaseUrl: this.runtimeBaseUrl,
        ...(this.config.tfliteRuntime ? { tfliteRuntime: this.config.tfliteRuntime } : {}),
      });
      description = { ...meta, ...loaded, backendReason: loaded.reason } as ModelDescription;
      if (meta.inputs && loaded.inputs.length === 0) description.inputs = meta.inputs;
    } catch (error) {
      const remote = plan.candidates.find((c) => c.backend === 'remote');
      const backendProblem = error instanceof EdgewiseError && error.code === 'BACKEND_UNAVAILABLE';
      if (!remote || !backendProblem || !meta.inputs || !meta.outputs) {
        if (backendProblem && plan.skipped.length > 0) {
          throw new EdgewiseError(
            'BACKEND_UNAVAILABLE',
            `${(error as Error).message}; skipped: ${plan.skipped.map((s) => `${s.backend} (${s.reason})`).join(', ')}`,
            { details: { skipped: plan.skipped } },
          );
        }
        throw error;
      }
      description = {
        ...meta,
        inputs: meta.inputs,
        outputs: meta.outputs,
        backend: 'remote',
        backendReason: `${remote.reason}: no on-device backend could run it (${(error as Error).message})`,
        runtime: 'server',
        threads: 1,
      };
    }
    const model = new Model({
      id,
      host: description.backend === 'remote' ? undefined : this.#host,
      description,
      cacheSize: this.config.predictionCacheSize ?? 0,
      serverUrl: this.serverUrl,
      ...(this.config.writeKey ? { serverHeaders: { authorization: `Bearer ${this.config.writeKey}` } } : {}),
      ...(meta.onReward ? { onReward: meta.onReward } : {}),
      ...(meta.onPrediction ? { onPrediction: meta.onPrediction } : {}),
      onDispose: () => {
        this.#models.delete(id);
        meta.onDispose?.();
      },
    });
    this.#models.set(id, model);
    return model;
  }

  async #assign(experimentKey: string): Promise<Assignment> {
    if (!this.#experiments) {
      throw new EdgewiseError(
        'CONFIG',
        `experiment "${experimentKey}" needs experimentsUrl in Edgewise.create()`,
      );
    }
    if (!this.#userId) {
      throw new EdgewiseError(
        'CONFIG',
        `experiment "${experimentKey}" needs a userId: pass it to Edgewise.create()`,
      );
    }
    return this.#assignments.choose(this.#userId, await this.#experiments.get(experimentKey));
  }

  /**
   * Loads a model by name from the manifest: the version asked for (or the channel's, or the user's
   * arm in an experiment), from the IndexedDB cache when it has it, on the best backend.
   *
   * @example
   * const model = await ew.load('mnist', { channel: 'stable', onProgress: (p) => bar.update(p) });
   */
  async load(name: string, options: LoadOptions = {}): Promise<Model> {
    this.#checkOpen();
    const store = this.#requireStore('load()');
    const assignment = options.experiment ? await this.#assign(options.experiment) : undefined;
    const modelName = assignment?.model ?? name;
    const caps = await this.capabilities();
    const preference = options.backends ?? this.config.backends;
    const format = options.format;
    const first = planBackends(caps, {
      format: format ?? 'onnx',
      ...(preference ? { preference } : {}),
      remoteAvailable: this.serverUrl !== undefined,
    }).candidates[0];
    const remoteOnly = first?.backend === 'remote';
    const request = {
      ...(assignment ? { version: assignment.version } : {}),
      ...(options.version && !assignment ? { version: options.version } : {}),
      ...(options.channel && !assignment ? { channel: options.channel } : {}),
      ...(options.variant ? { variant: options.variant } : {}),
      ...(format ? { format } : {}),
      ...(first ? { backend: first.backend } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    // The server runs remote models: resolve the version, download nothing.
    const fetched = remoteOnly
      ? { ...(await store.resolve(modelName, request)), bytes: new Uint8Array(0), source: 'memory' as const }
      : await store.fetchModel(modelName, request);
    options.onProgress?.({ loaded: 0, total: 1, phase: 'compile' });
    let exposure: Awaited<ReturnType<ExposureLog['record']>> | undefined;
    if (assignment?.inExperiment && this.#userId) {
      exposure = await this.#exposures.record(this.#userId, assignment, fetched.version);
      if (exposure.first) await this.#queue?.enqueue(this.#parts.exposureEvent(exposure));
    }
    const experimentKey = options.experiment;
    let model: Model;
    try {
      model = await this.openModel(fetched.bytes, {
        name: fetched.name,
        version: fetched.version,
        variant: fetched.variantId === 'base' ? undefined : fetched.variantId,
        format: fetched.artifact.format,
        quantization: fetched.artifact.quantization,
        source: fetched.source,
        arm: assignment?.arm,
        inputs: fetched.versionInfo.inputs,
        outputs: fetched.versionInfo.outputs,
        ...(options.backends ? { backends: options.backends } : {}),
        ...(experimentKey && assignment?.inExperiment
          ? { onReward: (value: number) => this.track(experimentKey, value) }
          : {}),
        ...(exposure
          ? {
              onPrediction: (latencyMs: number) => {
                if (exposure) void this.#queue?.enqueue(this.#parts.predictionEvent(exposure, latencyMs));
              },
            }
          : {}),
        onDispose: () => store.release(fetched.cacheKey),
      });
    } catch (error) {
      store.release(fetched.cacheKey);
      throw error;
    }
    options.onProgress?.({ loaded: 1, total: 1, phase: 'compile' });
    return model;
  }

  /**
   * Sends a reward for this user's last exposure in an experiment (what model.reward() calls).
   *
   * @example
   * await ew.track('mnist-int8-vs-fp32', 1); // the user accepted the suggestion
   */
  async track(experiment: string, value = 1): Promise<void> {
    if (!this.#queue) throw new EdgewiseError('CONFIG', 'rewards need collectorUrl in Edgewise.create()');
    if (!this.#userId)
      throw new EdgewiseError('CONFIG', 'rewards need a userId: pass it to Edgewise.create()');
    const context = await this.#exposures.last(this.#userId, experiment);
    if (!context) {
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `user ${this.#userId} has no exposure in experiment "${experiment}": load a model with { experiment } first`,
      );
    }
    await this.#queue.enqueue(this.#parts.rewardEvent(context, value));
  }

  /** Sends queued events now. */
  async flush(): Promise<FlushResult | undefined> {
    return this.#queue?.flush();
  }

  /**
   * Loads a model from bytes the app already has (no manifest, no cache).
   *
   * @example
   * const model = await ew.loadBytes(new Uint8Array(await (await fetch('/iris.onnx')).arrayBuffer()), { format: 'onnx' });
   */
  loadBytes(bytes: Uint8Array, options: LoadBytesOptions): Promise<Model> {
    if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) {
      throw new EdgewiseError('MODEL_FORMAT', 'loadBytes() needs the model file as a non-empty Uint8Array');
    }
    return this.openModel(bytes, {
      name: options.name ?? 'model',
      version: options.version ?? 'local',
      variant: undefined,
      format: options.format,
      quantization: 'fp32',
      source: 'memory',
      arm: undefined,
      ...(options.backends ? { backends: options.backends } : {}),
    });
  }

  /** Test hook: crashes the inference worker the way a runtime abort would. */
  crashWorkerForTesting(): void {
    if (this.#host instanceof WorkerHost) this.#host.crashWorkerForTesting();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#models.values()].map((m) => m.dispose().catch(() => undefined)));
    await this.#host.close();
    await this.#queue?.close();
  }
}
