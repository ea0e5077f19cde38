// The same choice as @edgewise/model-tools src/runtime/onnx-runtime.ts (keep the two in step): that
// package exports only its index, which does not carry the runtime chooser.
import type * as OrtWeb from 'onnxruntime-web';
import { ServerError } from '../errors.js';

/**
 * The part of ONNX Runtime's JS API that both onnxruntime-node and onnxruntime-web export (both
 * re-export onnxruntime-common), so callers can hold either one behind this type.
 */
export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;
export type OnnxRuntimeName = 'onnxruntime-node' | 'onnxruntime-web';

export interface OnnxRuntime {
  name: OnnxRuntimeName;
  version: string;
  /** Why this runtime was picked, for logs and /healthz. */
  reason: string;
  ort: OrtModule;
}

/** Imports a module by name; injectable so tests can simulate onnxruntime-node being absent. */
export type ModuleLoader = (specifier: OnnxRuntimeName) => Promise<unknown>;

export interface ChooseRuntimeOptions {
  /** 'auto' (default): onnxruntime-node when it loads, else WASM. Default from EDGEWISE_ONNX_RUNTIME. */
  prefer?: 'auto' | OnnxRuntimeName;
  load?: ModuleLoader;
}

export const RUNTIME_ENV = 'EDGEWISE_ONNX_RUNTIME';

// A variable specifier keeps TypeScript from resolving onnxruntime-node, an optional dependency
// that may not be installed when this is type-checked or run.
const defaultLoader: ModuleLoader = (specifier) => import(specifier as string);

function asOrt(module: unknown): OrtModule {
  // ESM namespace of a CommonJS package: the API sits on the namespace and on `default`.
  const m = module as Partial<OrtModule> & { default?: Partial<OrtModule> };
  const ort = m.InferenceSession ? m : m.default;
  if (!ort?.InferenceSession || !ort.Tensor || !ort.env) throw new Error('not an ONNX Runtime module');
  return ort as OrtModule;
}

function versionOf(ort: OrtModule, key: 'node' | 'web'): string {
  const versions = ort.env.versions as Record<string, string | undefined>;
  return versions[key] ?? versions.common ?? 'unknown';
}

function preferenceFromEnv(): 'auto' | OnnxRuntimeName {
  const value = process.env[RUNTIME_ENV];
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'onnxruntime-node' || value === 'onnxruntime-web') return value;
  throw new ServerError(
    'UNAVAILABLE',
    `${RUNTIME_ENV}=${value} is not a runtime; use auto, onnxruntime-node or onnxruntime-web`,
  );
}

async function loadWasm(load: ModuleLoader, reason: string): Promise<OnnxRuntime> {
  const ort = asOrt(await load('onnxruntime-web'));
  // One thread: Node has no worker files for ORT's threaded WASM build.
  ort.env.wasm.numThreads = 1;
  return { name: 'onnxruntime-web', version: versionOf(ort, 'web'), reason, ort };
}

/**
 * Picks the ONNX Runtime for inference in Node. onnxruntime-node (native CPU, an optional
 * dependency) is about 10× faster than onnxruntime-web's WASM build on conv nets, but it may be
 * missing (installs that skip optional dependencies, platforms without a prebuilt binary), so
 * WASM stays the fallback and the result says which one runs and why.
 */
export async function chooseOnnxRuntime(options: ChooseRuntimeOptions = {}): Promise<OnnxRuntime> {
  const prefer = options.prefer ?? preferenceFromEnv();
  const load = options.load ?? defaultLoader;
  if (prefer === 'onnxruntime-web') return loadWasm(load, `${RUNTIME_ENV} asks for onnxruntime-web`);
  let failure: string;
  try {
    const ort = asOrt(await load('onnxruntime-node'));
    const reason =
      prefer === 'onnxruntime-node'
        ? `${RUNTIME_ENV} asks for onnxruntime-node`
        : 'onnxruntime-node is installed (native CPU)';
    return { name: 'onnxruntime-node', version: versionOf(ort, 'node'), reason, ort };
  } catch (error) {
    failure = (error as Error).message.split('\n')[0] ?? String(error);
  }
  if (prefer === 'onnxruntime-node') {
    throw new ServerError(
      'UNAVAILABLE',
      `${RUNTIME_ENV}=onnxruntime-node but it cannot load (${failure}); run \`npm install onnxruntime-node\` or unset ${RUNTIME_ENV}`,
    );
  }
  return loadWasm(
    load,
    `onnxruntime-node is not available (${failure}); using WASM — install onnxruntime-node for native speed`,
  );
}

let shared: Promise<OnnxRuntime> | undefined;

/** The process-wide choice, made once (loading onnxruntime-node twice would load its binary twice). */
export function defaultOnnxRuntime(): Promise<OnnxRuntime> {
  shared ??= chooseOnnxRuntime();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
