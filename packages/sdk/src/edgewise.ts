import type { Attributes, DeviceClass } from '@edgewise/protocol';
import {
  checkAttributes,
  checkConfig,
  type EdgewiseConfig,
  type EdgewiseNotice,
  type LoadBytesOptions,
  type LoadOptions,
  runtimeBaseUrl,
  serverUrl,
  versionRequest,
} from './edgewise-config.js';
import { EdgewiseError } from './errors.js';
import type { EventQueue } from './events/event-queue.js';
import type { FlushResult } from './events/event-queue-options.js';
import type { ExperimentLoad, ModelHooks } from './experiments/experiment-load.js';
import type { ExperimentRefresh } from './experiments/experiment-refresh.js';
import type { Assignment } from './experiments/experiment-types.js';
import type { ExperimentsClient } from './experiments/experiments-client.js';
import type { ExposureLog } from './experiments/exposure-log.js';
import type { StickyAssignments } from './experiments/sticky-assignments.js';
import type { Backend, BackendPlan } from './inference/backend-plan.js';
import type { BackendTiming } from './inference/backend-race.js';
import { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
import type { InferenceHost } from './inference/engine-types.js';
import type { ModelFiles, PlacementRequest } from './inference/placement.js';
import type { RemoteHost } from './inference/remote-host.js';
import { isNode } from './inference/runtime-session.js';
import type { Model } from './model.js';
import type { ModelStore } from './models/model-store.js';
import type { ProgressCallback } from './models/progress.js';
import type { ModelCacheApi } from './models/store-types.js';

export type {
  EdgewiseConfig,
  EdgewiseNotice,
  LoadBytesOptions,
  LoadOptions,
  MonitorOptions,
} from './edgewise-config.js';

type Parts = typeof import('./edgewise-parts.js');

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
  readonly #remote: RemoteHost | undefined;
  readonly #listeners = new Set<(event: EdgewiseNotice) => void>();
  readonly #store: ModelStore | undefined;
  readonly #experiments: ExperimentsClient | undefined;
  readonly #queue: EventQueue | undefined;
  readonly #assignments: StickyAssignments;
  readonly #exposures: ExposureLog;
  readonly #parts: Parts;
  #userId: string | undefined;
  #attributes: Attributes | undefined;
  readonly #models = new Map<string, Model>();
  /** Health reporters of models loaded under experiments, by session id. */
  readonly #health = new Map<string, NonNullable<ModelHooks['onHealth']>>();
  readonly #refresh: ExperimentRefresh | undefined;
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
      ? new parts.WorkerHost(
          parts.createInferenceWorker,
          config.timeouts?.workerStartMs,
          config.recycleWorkerAfterLoads,
        )
      : new parts.LazyHost(async () => new (await import('./inference/engine.js')).InferenceEngine());
    this.#host.onEvent((event) => {
      if (event.type === 'fallback') {
        if (event.to)
          this.#models
            .get(event.modelId)
            ?.movedTo({ backend: event.to, reason: `fell back: ${event.error}` });
        this.#health.get(event.modelId)?.(event.cause ?? 'fallback', { reason: event.error });
      } else if (event.type === 'worker-restarted' && event.crashed) {
        // One runtime serves every model on the worker: each experiment model's arm saw the crash.
        for (const report of this.#health.values()) report('crash', { reason: event.reason });
      }
      this.#notify(event);
    });
    this.#userId = config.userId;
    this.#attributes = config.attributes;
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (config.manifestUrl) {
      this.#store = new parts.ModelStore({
        manifestUrl: new URL(config.manifestUrl, base).href,
        ...(config.publicKey ? { publicKey: config.publicKey } : {}),
        ...(config.persistStorage ? { persist: true } : {}),
        ...(config.maxCacheBytes !== undefined ? { maxBytes: config.maxCacheBytes } : {}),
        ...(config.timeouts?.stallMs ? { stallTimeoutMs: config.timeouts.stallMs } : {}),
      });
      for (const type of ['rollback', 'evicted', 'integrity-failed', 'manifest-offline'] as const) {
        this.#store.on(type, (payload) => this.#notify({ type, ...payload } as EdgewiseNotice));
      }
    }
    if (config.experimentsUrl) {
      const client = new parts.ExperimentsClient(
        new URL(config.experimentsUrl, base).href,
        undefined,
        parts.stallGuard((...args) => fetch(...args), config.timeouts?.stallMs ?? parts.DEFAULT_STALL_MS),
      );
      this.#experiments = client;
      this.#refresh = new parts.ExperimentRefresh({
        client,
        ...config.refresh,
        target: async (key) => {
          const assignment = await parts.chooseFor(await this.#experiment(key));
          return assignment.inExperiment ? assignment.arm : null;
        },
        adopted: (model) => {
          this.#models.set(model.sessionId, model);
        },
        notify: (event) => this.#notify(event),
        failed: () => undefined,
      });
    }
    if (config.collectorUrl) {
      this.#queue = new parts.EventQueue({
        ...config.events,
        collectorUrl: new URL(config.collectorUrl, base).href,
        ...(config.writeKey ? { writeKey: config.writeKey } : {}),
      });
    }
    this.runtimeBaseUrl = runtimeBaseUrl(config);
    this.serverUrl = serverUrl(config);
    if (this.serverUrl) {
      this.#remote = new parts.RemoteHost(
        this.serverUrl,
        config.writeKey ? { authorization: `Bearer ${config.writeKey}` } : {},
      );
    }
  }

  static async create(config: EdgewiseConfig = {}): Promise<Edgewise> {
    checkConfig(config);
    return new Edgewise(config, await import('./edgewise-parts.js'));
  }

  /** What this device supports, detected once. */
  capabilities(): Promise<BackendCapabilities> {
    this.#capabilities ??= detectBackends();
    return this.#capabilities;
  }

  /**
   * This device's class for contextual experiments (one of seven coarse buckets, see DEVICE_CLASSES):
   * the backend models run on under this client's `backends`, f16 shaders, cores, memory, mobile.
   * It is all a contextual experiment's events say about the device.
   */
  async deviceClass(): Promise<DeviceClass> {
    return this.#parts.deviceClassFrom(await this.capabilities(), this.config.backends);
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

  /** What experiments' conditions test; set it when the user's plan, country, … change. Throws CONFIG. */
  get attributes(): Attributes | undefined {
    return this.#attributes;
  }
  set attributes(attributes: Attributes | undefined) {
    this.#attributes = attributes === undefined ? undefined : checkAttributes(attributes);
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

  /** The plan for one load: this device's backends and the server, in the app's order. */
  async #plan(backends: Backend[] | undefined, remote: boolean): Promise<BackendPlan> {
    const preference = backends ?? this.config.backends;
    return this.#parts.planPlacement(await this.capabilities(), {
      ...(preference ? { preference } : {}),
      ...(this.config.wasmThreads ? { threads: this.config.wasmThreads } : {}),
      remote: remote && this.#remote !== undefined,
    });
  }

  /** Places the model's files on a backend and wraps the result; shared by load() and loadBytes(). */
  async #open(
    files: ModelFiles,
    options: {
      backends: Backend[] | undefined;
      remote: boolean;
      experiment?: string | undefined;
      arm?: string | undefined;
      onProgress?: ProgressCallback | undefined;
    } & Omit<ModelHooks, 'experiment' | 'arm'>,
  ): Promise<Model> {
    this.#checkOpen();
    const id = `m${++this.#nextId}`;
    const request: PlacementRequest = {
      id,
      plan: await this.#plan(options.backends, options.remote),
      files,
      hosts: { device: this.#host, ...(this.#remote ? { remote: this.#remote } : {}) },
      runtimeBaseUrl: this.runtimeBaseUrl,
      ...(this.config.tfliteRuntime ? { tfliteRuntime: this.config.tfliteRuntime } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      onFallback: (event) => {
        options.onHealth?.('fallback', { reason: event.error });
        this.#notify(event);
      },
    };
    let measured: BackendTiming[] | undefined;
    const measure = this.config.measureBackends;
    if (measure) {
      const race = await import('./inference/backend-race.js');
      const budget = typeof measure === 'object' && measure.budgetMs ? { budgetMs: measure.budgetMs } : {};
      const timed = await race.measuredPlan(request, {
        device: race.deviceKey(await this.capabilities()),
        ...budget,
      });
      request.plan = timed;
      measured = timed.measured;
    }
    const placed = await this.#parts.place(request);
    const { file } = placed;
    const model = new this.#parts.Model({
      id,
      host: placed.host,
      description: this.#parts.describePlacement(placed, {
        experiment: options.experiment,
        arm: options.arm,
        measured,
      }),
      cacheSize: this.config.predictionCacheSize ?? 0,
      ...(this.config.timeouts?.predictMs ? { predictTimeoutMs: this.config.timeouts.predictMs } : {}),
      ...(options.onReward ? { onReward: options.onReward } : {}),
      ...(options.onPrediction ? { onPrediction: options.onPrediction } : {}),
      ...(options.onPredictError ? { onPredictError: options.onPredictError } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
      onDispose: () => {
        this.#models.delete(id);
        this.#health.delete(id);
        file.release();
      },
    });
    this.#models.set(id, model);
    if (options.onHealth) this.#health.set(id, options.onHealth);
    return model;
  }

  /** What a load under an experiment needs, or CONFIG saying which option is missing. */
  async #experiment(key: string): Promise<Omit<ExperimentLoad, 'open'>> {
    if (!this.#experiments) {
      throw new EdgewiseError('CONFIG', `experiment "${key}" needs experimentsUrl in Edgewise.create()`);
    }
    if (!this.#userId) {
      throw new EdgewiseError('CONFIG', `experiment "${key}" needs a userId: pass it to Edgewise.create()`);
    }
    const config = await this.#experiments.get(key);
    const holdout = await this.#experiments.holdout();
    const deviceClass = config.type === 'contextual' ? await this.deviceClass() : undefined;
    return {
      userId: this.#userId,
      ...(deviceClass ? { deviceClass } : {}),
      ...(this.#attributes ? { attributes: this.#attributes } : {}),
      ...(holdout ? { holdout } : {}),
      config,
      assignments: this.#assignments,
      exposures: this.#exposures,
      queue: this.#queue,
      requireQueue: () => this.#requireQueue(),
      ...(this.config.health?.predictionSampleRate
        ? { predictionSampleRate: this.config.health.predictionSampleRate }
        : {}),
    };
  }

  #requireQueue(): EventQueue {
    if (!this.#queue) throw new EdgewiseError('CONFIG', 'rewards need collectorUrl in Edgewise.create()');
    return this.#queue;
  }

  /**
   * Loads a model by name from the manifest: the version asked for (or the channel's), from the
   * IndexedDB cache when it has it, on the best backend. With `experiment`, the user's arm: its
   * version and exactly its variant.
   *
   * @example
   * const model = await ew.load('mnist', { channel: 'stable', onProgress: (p) => bar.update(p) });
   */
  async load(name: string, options: LoadOptions = {}): Promise<Model> {
    this.#checkOpen();
    const store = this.#requireStore('load()');
    // Whether WebGPU can run fp16 files: the variant pick keeps them off an adapter without shader-f16.
    const { shaderF16 } = (await this.capabilities()).webgpu;
    const open = (arm: Assignment | undefined, hooks: ModelHooks = {}) =>
      this.#open(
        this.#parts.manifestFiles(store, arm?.model ?? name, {
          shaderF16,
          ...versionRequest(options, arm),
          ...(arm?.variant ? { variant: arm.variant } : options.variant ? { variant: options.variant } : {}),
          ...(options.format ? { format: options.format } : {}),
          ...(options.rollback === false ? { rollback: false } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }),
        { backends: options.backends, remote: true, onProgress: options.onProgress, ...hooks },
      );
    const key = options.experiment;
    if (!key) {
      if (options.monitor)
        throw new EdgewiseError(
          'CONFIG',
          `monitor needs an experiment: summaries are sent for the arm a model runs (load "${name}" with { experiment })`,
        );
      return open(undefined);
    }
    const { monitor } = options;
    const loadArm = async () =>
      this.#parts.loadInExperiment({
        ...(await this.#experiment(key)),
        open,
        ...(monitor ? { monitor } : {}),
      });
    const model = await loadArm();
    this.#refresh?.track(model, key, loadArm);
    return model;
  }

  /**
   * Revalidates the experiments now (as the refresh interval and a page becoming visible do) and
   * moves models loaded under an experiment to the user's current arm. Resolves with how many moved.
   *
   * @example
   * ew.on((e) => { if (e.type === 'assignment-changed') console.log(e.experiment, e.from, '→', e.to); });
   * await ew.refresh();
   */
  async refresh(): Promise<number> {
    this.#checkOpen();
    this.#store?.refreshManifest();
    return (await this.#refresh?.refresh()) ?? 0;
  }

  /**
   * Sends a reward for this user's last exposure in an experiment (what model.reward() calls).
   *
   * @example
   * await ew.track('mnist-int8-vs-fp32', 1); // the user accepted the suggestion
   */
  async track(experiment: string, value = 1): Promise<void> {
    const queue = this.#requireQueue();
    if (!this.#userId)
      throw new EdgewiseError('CONFIG', 'rewards need a userId: pass it to Edgewise.create()');
    const context = await this.#exposures.last(this.#userId, experiment);
    if (!context) {
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `user ${this.#userId} has no exposure in experiment "${experiment}": load a model with { experiment } first`,
      );
    }
    await queue.enqueue(this.#parts.rewardEvent(context, value));
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
    const files = this.#parts.bytesFiles(bytes, {
      name: options.name ?? 'model',
      version: options.version ?? 'local',
      format: options.format,
    });
    return this.#open(files, { backends: options.backends, remote: false });
  }

  /** Test hook: crashes the inference worker the way a runtime abort would. */
  crashWorkerForTesting(): void {
    if (this.#host instanceof this.#parts.WorkerHost) this.#host.crashWorkerForTesting();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#refresh?.close();
    await Promise.all([...this.#models.values()].map((m) => m.dispose().catch(() => undefined)));
    await this.#host.close();
    await this.#remote?.close();
    await this.#queue?.close();
  }
}
