import type { Attributes, MonitorSpec } from '@edgewise/protocol';
import { EdgewiseError } from './errors.js';
import type { EventQueueOptions } from './events/event-queue-options.js';
import type { Assignment } from './experiments/experiment-types.js';
import { BACKENDS, type Backend } from './inference/backend-plan.js';
import type { EngineEvent } from './inference/engine-types.js';
import type { ModelStoreEvents } from './models/events.js';
import type { PublicKeyInput } from './models/manifest-signature.js';
import type { ModelFormat } from './models/manifest-types.js';
import type { ProgressCallback } from './models/progress.js';
import type { VersionRequest } from './models/resolve.js';

export interface EdgewiseConfig {
  /** The model manifest: a static models/manifest.json, or the server's /v1/manifest. */
  manifestUrl?: string;
  experimentsUrl?: string;
  collectorUrl?: string;
  writeKey?: string;
  userId?: string;
  /**
   * What experiments' conditions test: app version, country, plan, device class, … (JSON values;
   * nested objects are reached with dotted paths such as "device.class"). Change with `ew.attributes`.
   */
  attributes?: Attributes;
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
  /**
   * The most bytes the model cache may hold; checked before each download (LRU eviction of models
   * not in use, else QUOTA). Chromium's `navigator.storage.estimate()` reports a static quota, so
   * this is the one exact limit there.
   */
  maxCacheBytes?: number;
  /** Event batching and retry settings. */
  events?: Partial<Omit<EventQueueOptions, 'collectorUrl' | 'writeKey'>>;
  /** Run models in a Web Worker (default in browsers) or on this thread (default in Node). */
  worker?: boolean;
  /**
   * Replace the inference worker with a fresh one after this many model loads (the loaded models
   * move with it). WebAssembly memory only grows, so an app that swaps large models often gets its
   * memory back this way. Off by default; the worker also ends whenever its last model is disposed.
   */
  recycleWorkerAfterLoads?: number;
  /**
   * The bounds every wait has, so no promise hangs: `workerStartMs` (10 s; then WORKER_CRASHED),
   * `stallMs` (30 s without a byte from the manifest, experiments or a model download; then
   * retried, then NETWORK), `predictMs` (60 s per predict call; then TIMEOUT). Runtime files get
   * 30 s to load (then NETWORK).
   */
  timeouts?: { workerStartMs?: number; stallMs?: number; predictMs?: number };
  /**
   * Time the device's backends on the first load of each model version (a few predictions each,
   * within `budgetMs`, default 2,000 ms in all) and use the fastest; the result is remembered per
   * model version and device, and `model.describe()` shows the numbers. Off by default.
   */
  measureBackends?: boolean | { budgetMs?: number };
  /**
   * How often loaded experiments are revalidated (ETag; a 304 is a few hundred bytes): every
   * `intervalMs` (default 60,000; 0 turns the timer off) and when the page becomes visible again
   * (`onVisible`, default true). A stopped arm or new weights reach this device within `intervalMs`
   * of the server's change (plus one request), and models loaded under an experiment switch to the
   * user's new arm in place, without a reload (an `assignment-changed` notice says so).
   */
  refresh?: { intervalMs?: number; onVisible?: boolean };
  /**
   * Health events sent for models in experiments (load time, fallbacks, crashes, predict errors):
   * `predictionSampleRate` is the share of prediction (latency) events sent, default 1; failures
   * are always sent.
   */
  health?: { predictionSampleRate?: number };
}

/** A user's arm changed at a refresh (the arm was stopped, or the weights moved them). */
export interface AssignmentChanged {
  type: 'assignment-changed';
  experiment: string;
  /** The arm before and after; null when the user is outside the experiment (running control). */
  from: string | null;
  to: string | null;
}

/** Things that happen without a call to report them on: fallbacks, restarts, rollbacks, evictions. */
export type EdgewiseNotice =
  | EngineEvent
  | AssignmentChanged
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
  /**
   * When the channel's version is retired or fails its check, use the newest earlier good one (a
   * `rollback` notice says so). Default true; a `version` asked for by number is never replaced.
   */
  rollback?: boolean;
  /** Load the model version of this user's arm in the experiment, and log the exposure. */
  experiment?: string;
  /**
   * Model monitoring (needs `experiment`): sketches of these inputs and outputs, sent as a summary
   * event every `every` predictions (default 200) and when the model is disposed — never the
   * inputs themselves, and never for fewer than 20 predictions. The collector compares them with
   * the version's baseline (drift).
   */
  monitor?: MonitorOptions;
  backends?: Backend[];
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface MonitorOptions extends MonitorSpec {
  /** Predictions per summary sent; default 200, at least MIN_SUMMARY_PREDICTIONS (20). */
  every?: number;
  /** Longest a summary of at least 20 predictions waits to be sent, in ms; default 5 minutes. */
  everyMs?: number;
}

export interface LoadBytesOptions {
  format: ModelFormat;
  name?: string;
  version?: string;
  backends?: Backend[];
}

/** The version a load asks for: the arm's in an experiment, else the app's version or channel. */
export function versionRequest(options: LoadOptions, assignment: Assignment | undefined): VersionRequest {
  if (assignment) return { version: assignment.version };
  return {
    ...(options.version ? { version: options.version } : {}),
    ...(options.channel ? { channel: options.channel } : {}),
  };
}

const MAX_ATTRIBUTE_DEPTH = 8;

/** What is not JSON about an attributes value (a path and why), or undefined when it all is. */
function attributeProblem(value: unknown, at: string, depth: number): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : `${at} is ${value}, not a JSON number`;
  if (depth >= MAX_ATTRIBUTE_DEPTH) return `${at} is nested deeper than ${MAX_ATTRIBUTE_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const problem = attributeProblem(v, `${at}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const problem = attributeProblem(v, `${at}.${k}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${at} is ${value instanceof Date ? 'a Date (pass date.toISOString())' : `a ${typeof value}`}, not a JSON value`;
}

/** Throws CONFIG unless `attributes` is a plain object of JSON values; returns it typed. */
export function checkAttributes(attributes: unknown): Attributes {
  const plain =
    typeof attributes === 'object' &&
    attributes !== null &&
    Object.getPrototypeOf(attributes) === Object.prototype;
  const problem = plain ? attributeProblem(attributes, 'attributes', 0) : 'attributes is not a plain object';
  if (problem) {
    throw new EdgewiseError(
      'CONFIG',
      `${problem}: attributes must be a plain object of strings, numbers, booleans, null, arrays and objects, e.g. { appVersion: '2.4.0', country: 'DE' }`,
    );
  }
  return attributes as Attributes;
}

/** Refuses a config that cannot work, before anything starts. */
export function checkConfig(config: EdgewiseConfig): void {
  if (config.attributes !== undefined) checkAttributes(config.attributes);
  if (config.backends) {
    const bad = config.backends.filter((b) => !BACKENDS.includes(b));
    if (bad.length > 0 || config.backends.length === 0) {
      throw new EdgewiseError(
        'CONFIG',
        `backends must be a non-empty list of 'webgpu', 'wasm', 'remote'; got ${JSON.stringify(config.backends)}`,
      );
    }
  }
  for (const [name, ms] of Object.entries(config.timeouts ?? {})) {
    if (!(typeof ms === 'number' && ms > 0)) {
      throw new EdgewiseError(
        'CONFIG',
        `timeouts.${name} must be a positive number of milliseconds, got ${ms}`,
      );
    }
  }
  const recycle = config.recycleWorkerAfterLoads;
  if (recycle !== undefined && !(Number.isInteger(recycle) && recycle >= 1)) {
    throw new EdgewiseError(
      'CONFIG',
      `recycleWorkerAfterLoads must be a whole number of loads, 1 or more; got ${recycle}`,
    );
  }
  const interval = config.refresh?.intervalMs;
  if (interval !== undefined && !(typeof interval === 'number' && interval >= 0)) {
    throw new EdgewiseError(
      'CONFIG',
      `refresh.intervalMs must be 0 (off) or a positive number of ms, got ${interval}`,
    );
  }
  const rate = config.health?.predictionSampleRate;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1)) {
    throw new EdgewiseError('CONFIG', `health.predictionSampleRate must be in (0, 1], got ${rate}`);
  }
  if (config.predictionCacheSize !== undefined && !(config.predictionCacheSize >= 0)) {
    throw new EdgewiseError('CONFIG', 'predictionCacheSize must be 0 (off) or a positive number of entries');
  }
}

function pageUrl(): string | undefined {
  return (globalThis as { location?: { href: string } }).location?.href;
}

/** The meta tag the Vite plugin writes into every page: where it serves this build's runtimes. */
export const RUNTIME_BASE_META = 'edgewise-runtime-base';

interface PageDocument {
  baseURI: string;
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

/**
 * Where the runtimes are served: the config's, else the page's edgewise-runtime-base meta tag (the
 * Vite plugin's, which follows Vite's `base` and the runtimes' versions), else /edgewise/ on this
 * origin. Read from the document at run time, not a build-time constant, so it holds however the
 * SDK was bundled (pre-bundled by Vite's dep optimizer in dev included).
 */
export function runtimeBaseUrl(config: EdgewiseConfig): string {
  if (config.runtimeBaseUrl) return new URL(config.runtimeBaseUrl, pageUrl()).href;
  const doc = (globalThis as { document?: PageDocument }).document;
  const meta = doc?.querySelector(`meta[name="${RUNTIME_BASE_META}"]`)?.getAttribute('content');
  if (doc && meta) return new URL(meta, doc.baseURI).href;
  const here = pageUrl();
  return here ? new URL('/edgewise/', here).href : 'file:///';
}

/** The server for remote inference: the config's, else the origin of a server (/v1/) manifest. */
export function serverUrl(config: EdgewiseConfig): string | undefined {
  if (config.serverUrl) return config.serverUrl;
  if (!config.manifestUrl) return undefined;
  const url = new URL(config.manifestUrl, pageUrl());
  const at = url.pathname.indexOf('/v1/');
  return at >= 0 ? new URL(url.pathname.slice(0, at + 1), url).href : undefined;
}
