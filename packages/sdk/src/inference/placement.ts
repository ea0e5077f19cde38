import { EdgewiseError, isEdgewiseError } from '../errors.js';
import type { ModelDescription } from '../model.js';
import type { ModelFormat, Quantization, TensorSpec } from '../models/manifest-types.js';
import type { ProgressCallback } from '../models/progress.js';
import {
  type Backend,
  type BackendCandidate,
  type BackendPlan,
  DEFAULT_BACKEND_ORDER,
  planBackends,
} from './backend-plan.js';
import type { BackendTiming } from './backend-race.js';
import type { BackendCapabilities } from './capabilities.js';
import { createWithFallback, type FallbackAttempt } from './create-with-fallback.js';
import type { EngineEvent, InferenceHost, LoadedModel } from './engine-types.js';
import { type ModelContent, memoryContent, onceRead } from './model-content.js';

/** One file of a model version, as placement sees it before downloading it. */
export interface PlacedFile {
  /** Files with one id are the same bytes: backends that share a file share one download. */
  id: string;
  name: string;
  version: string;
  /** The manifest variant ('int8', 'fp16', …); undefined for the version's own file or app bytes. */
  variant: string | undefined;
  format: ModelFormat;
  quantization: Quantization;
  /** From the manifest; undefined for bytes the app passed. */
  sha256?: string;
  /** From the manifest, when it lists them: the server needs them, the worker reads its own. */
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
}

export interface FetchedFile extends PlacedFile {
  /** The verified bytes (and external data), read chunk by chunk from the cache or memory. */
  content: ModelContent;
  source: 'network' | 'cache' | 'memory';
  /** Lets the cache evict the file again: called when the model is disposed, or the file not used. */
  release(): void;
}

/** Where placement gets a model's files: the manifest and its cache, or bytes the app passed. */
export interface ModelFiles {
  /**
   * The file that suits `backend`, without its bytes. Throws a `VERSION_NOT_FOUND` whose details say
   * `noMatchingFile` when no file of the version suits that backend.
   */
  pick(backend: Backend): Promise<PlacedFile>;
  /** The verified bytes of the file `pick` chose for `backend`, cache first. */
  fetch(backend: Backend): Promise<FetchedFile>;
}

/** Where each kind of backend runs: the worker (or this thread) for the device, the server for remote. */
export interface PlacementHosts {
  device: InferenceHost;
  /** Absent when no server is known: remote is then skipped, with the reason. */
  remote?: InferenceHost;
}

export interface PlacementRequest {
  id: string;
  plan: BackendPlan;
  files: ModelFiles;
  hosts: PlacementHosts;
  runtimeBaseUrl: string;
  tfliteRuntime?: 'litert' | 'tfjs-tflite';
  onProgress?: ProgressCallback;
  /** Each move to the next candidate, as the notice apps see. */
  onFallback?: (event: Extract<EngineEvent, { type: 'fallback' }>) => void;
}

export interface Placement {
  host: InferenceHost;
  file: PlacedFile & { source: FetchedFile['source']; release(): void };
  loaded: LoadedModel;
  /** Why this backend, and what failed before it. */
  backendReason: string;
}

/**
 * Orders every backend to try for one load: the device's (from `planBackends`) and the server, where
 * the app's preference puts it.
 *
 * @example
 * planPlacement(caps, { remote: true }).candidates.map((c) => c.backend) // → ['webgpu', 'wasm', 'remote']
 */
export function planPlacement(
  caps: BackendCapabilities,
  options: { preference?: readonly Backend[]; threads?: number; remote: boolean },
): BackendPlan {
  const order = [...new Set(options.preference ?? DEFAULT_BACKEND_ORDER)];
  const device = planBackends(caps, {
    preference: order,
    ...(options.threads ? { threads: options.threads } : {}),
    // Naming WebGPU is the one way to get a software adapter: the default order never picks it.
    softwareGpu: options.preference?.includes('webgpu') === true,
  });
  const plan: BackendPlan = { candidates: [], skipped: [] };
  for (const backend of order) {
    if (backend === 'remote') {
      if (options.remote) {
        plan.candidates.push({ backend, threads: 1, reason: 'the server runs the model (/v1/predict)' });
      } else {
        plan.skipped.push({
          backend,
          reason: 'no server configured (pass serverUrl, or a /v1/ manifestUrl)',
        });
      }
      continue;
    }
    plan.candidates.push(...device.candidates.filter((c) => c.backend === backend));
    plan.skipped.push(...device.skipped.filter((s) => s.backend === backend));
  }
  return plan;
}

/** Whether a candidate runs on this device (the worker, or this thread) rather than on the server. */
export function onDevice(candidate: BackendCandidate): boolean {
  return candidate.backend !== 'remote';
}

function noMatchingFile(error: unknown): boolean {
  return (
    isEdgewiseError(error) && error.code === 'VERSION_NOT_FOUND' && error.details?.noMatchingFile === true
  );
}

/**
 * Places one model: for each candidate backend in order, the file that suits it (cache first), loaded
 * on the host that runs that backend; a backend that fails moves on to the next candidate with *its*
 * file. Errors about the model, the request or the network stop at once (see `isBackendProblem`).
 */
export async function place(request: PlacementRequest): Promise<Placement> {
  const { plan, files, hosts, id } = request;
  const picks = new Map<Backend, Promise<PlacedFile>>();
  const pick = (backend: Backend) => {
    let picked = picks.get(backend);
    if (!picked) {
      picked = files.pick(backend);
      picks.set(backend, picked);
    }
    return picked;
  };
  const fetched = new Map<string, Promise<FetchedFile>>();
  const pickErrors: unknown[] = [];

  const hostFor = (candidate: BackendCandidate): InferenceHost | undefined =>
    onDevice(candidate) ? hosts.device : hosts.remote;

  const fileFor = async (
    candidate: BackendCandidate,
  ): Promise<{ file: Placement['file']; content: ModelContent }> => {
    const chosen = await pick(candidate.backend).catch((error: unknown) => {
      if (!noMatchingFile(error)) throw error;
      pickErrors.push(error);
      throw new EdgewiseError('BACKEND_UNAVAILABLE', (error as Error).message);
    });
    // The server runs the version by name: nothing to download for it.
    if (!onDevice(candidate)) {
      const { sha256: _noFileRunsHere, ...version } = chosen;
      return {
        file: { ...version, source: 'network', release: () => {} },
        content: memoryContent(new Uint8Array(0)),
      };
    }
    let file = fetched.get(chosen.id);
    if (!file) {
      file = files.fetch(candidate.backend);
      fetched.set(chosen.id, file);
    }
    const { content, ...rest } = await file;
    return { file: rest, content };
  };

  /** Later candidates that run the same file on the same host take over if this backend goes away. */
  const sameFileAfter = async (candidate: BackendCandidate, file: PlacedFile) => {
    const later = plan.candidates.slice(plan.candidates.indexOf(candidate) + 1);
    const same: BackendCandidate[] = [];
    for (const next of later) {
      if (hostFor(next) !== hostFor(candidate)) continue;
      const other = await pick(next.backend).catch(() => undefined);
      if (other?.id === file.id) same.push(next);
    }
    return same;
  };

  const used = new Set<string>();
  try {
    const { session, failed } = await createWithFallback(
      plan.candidates,
      async (candidate) => {
        const host = hostFor(candidate);
        if (!host) throw new EdgewiseError('BACKEND_UNAVAILABLE', `no host runs ${candidate.backend} here`);
        const { file, content } = await fileFor(candidate);
        // Compiling starts once the bytes are read (and, from the cache, checked) into the runtime.
        const compiling = () => request.onProgress?.({ loaded: 0, total: 1, phase: 'compile' });
        if (!onDevice(candidate) || content.inMemory) compiling();
        const loaded = await host.load(id, {
          name: file.name,
          version: file.version,
          content: onDevice(candidate) && !content.inMemory ? onceRead(content, compiling) : content,
          format: file.format,
          candidates: [candidate, ...(await sameFileAfter(candidate, file))],
          runtimeBaseUrl: request.runtimeBaseUrl,
          ...(request.tfliteRuntime ? { tfliteRuntime: request.tfliteRuntime } : {}),
          ...(file.inputs ? { inputs: file.inputs } : {}),
          ...(file.outputs ? { outputs: file.outputs } : {}),
        });
        request.onProgress?.({ loaded: 1, total: 1, phase: 'compile' });
        used.add(file.id);
        return { host, file, loaded };
      },
      (from, to) =>
        request.onFallback?.({
          type: 'fallback',
          modelId: id,
          from: from.backend,
          to: to?.backend,
          error: from.error,
        }),
    );
    return { ...session, backendReason: reasonWith(session.loaded.reason, failed, plan.skipped) };
  } catch (error) {
    if (pickErrors.length === plan.candidates.length && pickErrors[0]) throw pickErrors[0];
    if (isEdgewiseError(error) && error.code === 'BACKEND_UNAVAILABLE' && plan.skipped.length > 0) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `${error.message}; skipped: ${plan.skipped.map((s) => `${s.backend} (${s.reason})`).join(', ')}`,
        { details: { ...error.details, skipped: plan.skipped } },
      );
    }
    throw error;
  } finally {
    for (const [fileId, file] of fetched) {
      if (!used.has(fileId))
        void file.then(
          (f) => f.release(),
          () => undefined,
        );
    }
  }
}

/** What `model.describe()` reports for a placed model, field by field. */
export function describePlacement(
  placed: Placement,
  about: { experiment: string | undefined; arm: string | undefined; measured: BackendTiming[] | undefined },
): ModelDescription {
  const { file, loaded } = placed;
  return {
    name: file.name,
    version: file.version,
    variant: file.variant,
    format: file.format,
    quantization: file.quantization,
    backend: loaded.backend,
    backendReason: placed.backendReason,
    runtime: loaded.runtime,
    threads: loaded.threads,
    source: file.source,
    experiment: about.experiment,
    arm: about.arm,
    sha256: file.sha256,
    measured: about.measured,
    // A runtime that cannot read its file's inputs (the server) goes by the manifest's.
    inputs: loaded.inputs.length > 0 ? loaded.inputs : (file.inputs ?? []),
    outputs: loaded.outputs.length > 0 ? loaded.outputs : (file.outputs ?? []),
  };
}

function reasonWith(
  reason: string,
  failed: readonly FallbackAttempt[],
  skipped: BackendPlan['skipped'],
): string {
  const after =
    failed.length > 0 ? ` (after ${failed.map((f) => `${f.backend} failed: ${f.error}`).join('; ')})` : '';
  const passed =
    skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}` : '';
  return `${reason}${after}${passed}`;
}
