import { Deadlines } from './deadlines.js';
import { EdgewiseError, isEdgewiseError } from './errors.js';
import type { Backend } from './inference/backend-plan.js';
import type { BackendTiming } from './inference/backend-race.js';
import { concatRows, splitRows } from './inference/batch-tensors.js';
import type { InferenceHost, LoadedModel } from './inference/engine-types.js';
import { InputSignature } from './inference/input-signature.js';
import { LruCache } from './inference/lru-cache.js';
import { predictionKey } from './inference/prediction-key.js';
import { copyTensors, type NamedInputs, type NamedOutputs, type Tensor } from './inference/tensors.js';
import type { ModelFormat, Quantization, TensorSpec } from './models/manifest-types.js';

export const DEFAULT_PREDICT_TIMEOUT_MS = 60_000;

/** Every model's predictions share one timer for their timeouts. */
const deadlines = new Deadlines();

/** What was chosen for a loaded model, and why. */
export interface ModelDescription {
  name: string;
  version: string;
  /** The manifest variant used ('int8', 'tflite-fp32', …); undefined for the version's own file. */
  variant: string | undefined;
  format: ModelFormat;
  quantization: Quantization;
  backend: Backend;
  backendReason: string;
  runtime: string;
  threads: number;
  /** Where the bytes came from. */
  source: 'network' | 'cache' | 'memory';
  /** The experiment this model was loaded for, when the user is exposed to it. */
  experiment: string | undefined;
  /** The user's arm in that experiment; undefined when held out or when this device cannot run it. */
  arm: string | undefined;
  /** The sha256 of the file that runs (checked before it ran); undefined for app bytes and the server. */
  sha256: string | undefined;
  /** With `measureBackends`: each device backend's median time per prediction here, or why not. */
  measured: BackendTiming[] | undefined;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export interface PredictOptions {
  /**
   * Hand the input buffers to the worker instead of copying them (zero-copy, as postMessage
   * transfer): faster for large inputs, but the caller's typed arrays are detached afterwards.
   * Default false: inputs are left intact.
   */
  transfer?: boolean;
}

export interface ModelParts {
  id: string;
  /** Where the model was placed: the worker, this thread, or the server. */
  host: InferenceHost;
  description: ModelDescription;
  /** Prediction cache entries; 0 turns the cache off (the default). */
  cacheSize: number;
  /** Longest wait for one predict or predictBatch call; default 60 s. */
  predictTimeoutMs?: number;
  onPrediction?: (latencyMs: number) => void;
  /** A predict call that reached the runtime failed (input validation failures do not count). */
  onPredictError?: (error: unknown) => void;
  onReward?: (value: number) => Promise<void>;
  /** Sees each call's inputs (before the runtime may take them) and outputs: model monitoring. */
  observer?: PredictionObserver;
  onDispose: () => void;
}

/** What model monitoring reads of each prediction; it never changes the tensors. */
export interface PredictionObserver {
  inputs(feeds: Readonly<Record<string, Tensor>>): void;
  outputs(outputs: Readonly<Record<string, Tensor>>, items: number): void;
  /** The model is going away: send what was summarized. */
  close(): void;
}

/** A model loaded on one backend. `predict` validates inputs before anything reaches the runtime. */
export class Model {
  #description: ModelDescription;
  #signature: InputSignature;
  #disposed = false;
  readonly #cache: LruCache<string, NamedOutputs> | undefined;

  #parts: ModelParts;

  constructor(parts: ModelParts) {
    this.#parts = parts;
    this.#description = parts.description;
    this.#signature = new InputSignature(parts.description.inputs);
    this.#cache = parts.cacheSize > 0 ? new LruCache(parts.cacheSize) : undefined;
  }

  get name(): string {
    return this.#description.name;
  }
  get version(): string {
    return this.#description.version;
  }
  get backend(): Backend {
    return this.#description.backend;
  }
  get arm(): string | undefined {
    return this.#description.arm;
  }
  get source(): ModelDescription['source'] {
    return this.#description.source;
  }
  get inputs(): TensorSpec[] {
    return this.#description.inputs;
  }
  get outputs(): TensorSpec[] {
    return this.#description.outputs;
  }
  /** Everything about the choice made, for display and logs. */
  describe(): ModelDescription {
    const d = this.#description;
    return {
      name: d.name,
      version: d.version,
      variant: d.variant,
      format: d.format,
      quantization: d.quantization,
      backend: d.backend,
      backendReason: d.backendReason,
      runtime: d.runtime,
      threads: d.threads,
      source: d.source,
      experiment: d.experiment,
      arm: d.arm,
      sha256: d.sha256,
      measured: d.measured?.map((t) => ({ ...t })),
      inputs: d.inputs.map((spec) => ({ ...spec, shape: [...spec.shape] })),
      outputs: d.outputs.map((spec) => ({ ...spec, shape: [...spec.shape] })),
    };
  }

  /** @internal the worker moved the model to another backend (a lost GPU). */
  movedTo(loaded: Pick<LoadedModel, 'backend' | 'reason'>): void {
    this.#description = { ...this.#description, backend: loaded.backend, backendReason: loaded.reason };
  }

  #check(): void {
    if (this.#disposed) {
      throw new EdgewiseError('DISPOSED', `model ${this.name}@${this.version} was disposed: load it again`);
    }
  }

  /** A prediction that does not answer within the bound fails with TIMEOUT (the runtime may still be busy). */
  #bounded<T>(work: Promise<T>): Promise<T> {
    const ms = this.#parts.predictTimeoutMs ?? DEFAULT_PREDICT_TIMEOUT_MS;
    return deadlines.bound(
      work,
      ms,
      () =>
        new EdgewiseError(
          'TIMEOUT',
          `model ${this.name}@${this.version} did not answer within ${ms / 1000} s on ${this.backend}; raise timeouts.predictMs for a model this slow, or try another backend`,
        ),
    );
  }

  /** Runs work on the runtime, reporting its latency per item or its failure to the experiment. */
  async #timed<T>(work: (parts: ModelParts) => Promise<T>, items = 1): Promise<T> {
    const parts = this.#parts;
    const started = performance.now();
    let result: T;
    try {
      result = await this.#bounded(work(parts));
    } catch (error) {
      parts.onPredictError?.(error);
      throw error;
    }
    parts.onPrediction?.((performance.now() - started) / Math.max(1, items));
    return result;
  }

  /** `handOver`: the host may take the buffers (transfer them); otherwise it leaves them intact. */
  #run(feeds: Record<string, Tensor>, handOver: boolean): Promise<Record<string, Tensor>> {
    return this.#timed((parts) => parts.host.run(parts.id, feeds, handOver));
  }

  /**
   * @internal Takes over `next`'s session (the user's arm changed at a config refresh): this object
   * keeps working for the app, now running the new arm, and the old session is freed.
   */
  async adopt(next: Model): Promise<void> {
    this.#check();
    const old = this.#parts;
    this.#parts = next.#parts;
    this.#description = next.#description;
    this.#signature = next.#signature;
    next.#disposed = true;
    this.#cache?.clear();
    old.observer?.close();
    old.onDispose();
    await old.host.dispose(old.id).catch(() => undefined);
  }

  /** True once disposed (or once another model took over its session). */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** @internal the id its host knows this model's session by (changes when it adopts another). */
  get sessionId(): string {
    return this.#parts.id;
  }

  /**
   * Runs the model on named inputs and returns named outputs.
   *
   * @example
   * const { probabilities } = await model.predict({ input: new Float32Array([5.1, 3.5, 1.4, 0.2]) });
   */
  async predict(inputs: NamedInputs, options: PredictOptions = {}): Promise<NamedOutputs> {
    this.#check();
    const feeds = this.#signature.check(inputs);
    const observer = this.#parts.observer;
    if (observer) return this.#observed(observer, feeds, options.transfer === true);
    // No await before the run starts: the worker host posts the inputs now, so the caller may reuse
    // its arrays as soon as this returns, and the copy (without `transfer`) is the structured clone's.
    if (!this.#cache) return this.#run(feeds, options.transfer === true);
    // The key's digest is awaited before the run: a copy now keeps later writes by the caller out.
    const own = options.transfer ? feeds : copyTensors(feeds);
    const key = await predictionKey(`${this.name}@${this.version}/${this.#description.variant ?? ''}`, own);
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const outputs = await this.#run(own, true);
    this.#cache.set(key, outputs);
    return outputs;
  }

  /** A monitored predict: inputs summarized before the runtime may take them, outputs after (no cache). */
  async #observed(
    observer: PredictionObserver,
    feeds: Record<string, Tensor>,
    handOver: boolean,
  ): Promise<NamedOutputs> {
    observer.inputs(feeds);
    const outputs = await this.#run(feeds, handOver);
    observer.outputs(outputs, 1);
    return outputs;
  }

  /**
   * Runs many inputs in one trip to the worker: stacked along the first dimension into one run when
   * every input's first dimension is dynamic, else one run per item inside the worker. Inputs are
   * copied, never detached. The outputs of one batch are views into one buffer per output name: copy
   * one (`data.slice()`) before transferring it elsewhere.
   */
  async predictBatch(items: readonly NamedInputs[]): Promise<NamedOutputs[]> {
    this.#check();
    if (items.length === 0) return [];
    const signature = this.#signature;
    const validated = items.map((item, i) => {
      try {
        return signature.check(item);
      } catch (error) {
        throw isEdgewiseError(error)
          ? new EdgewiseError(error.code, `item ${i} of ${items.length}: ${error.message}`, {
              details: { ...error.details, item: i },
            })
          : error;
      }
    });
    const observer = this.#parts.observer;
    if (observer) for (const feeds of validated) observer.inputs(feeds);
    if (!signature.stackable) {
      const outputs = await this.#timed((parts) => parts.host.runMany(parts.id, validated), items.length);
      if (observer) for (const o of outputs) observer.outputs(o, 1);
      return outputs;
    }
    const { feeds, rows } = concatRows(validated);
    const stacked = await this.#run(feeds, true);
    observer?.outputs(stacked, items.length);
    return splitRows(stacked, rows);
  }

  /** Sends a reward for this user's last exposure to the experiment this model was loaded for. */
  async reward(value = 1): Promise<void> {
    if (!this.#parts.onReward) {
      throw new EdgewiseError(
        'EXPERIMENT_NOT_FOUND',
        `model ${this.name} was not loaded for an experiment: pass { experiment } to ew.load(), or use ew.track()`,
      );
    }
    if (!Number.isFinite(value))
      throw new EdgewiseError('CONFIG', `reward must be a finite number, got ${value}`);
    await this.#parts.onReward(value);
  }

  /** Frees the session in the worker; the model cannot predict afterwards. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#cache?.clear();
    this.#parts.observer?.close();
    this.#parts.onDispose();
    await this.#parts.host.dispose(this.#parts.id);
  }
}
