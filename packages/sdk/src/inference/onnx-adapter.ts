import type * as Ort from 'onnxruntime-web';
import { EdgewiseError } from '../errors.js';
import type { TensorDType, TensorSpec } from '../models/manifest-types.js';
import { withTimeout } from '../timeout.js';
import type { DeviceCandidate } from './backend-plan.js';
import { runtimeRunError } from './runtime-errors.js';
import { isNode, type RuntimeAdapter, type RuntimeOptions, type RuntimeSession } from './runtime-session.js';
import type { Tensor, TensorData } from './tensors.js';

type OrtModule = typeof Ort;

// A variable specifier keeps bundlers from pulling the 76 MB Node build into browser bundles.
const NODE_PACKAGE = 'onnxruntime-web';

const loaded = new Map<string, Promise<OrtModule>>();
/** The longest wait for a runtime file: past it the load fails with NETWORK instead of hanging. */
export const RUNTIME_LOAD_MS = 30_000;

/**
 * onnxruntime-web is never bundled with the SDK: in a browser it is imported from `runtimeBaseUrl` on
 * first use, inside the worker. WebGPU needs ort.min.mjs (the JSEP build): the newer native WebGPU EP
 * of ort.webgpu.min.mjs computes wrong results on some adapters (see e2e/README.md). Plain WASM
 * takes the smaller ort.wasm.min.mjs.
 */
function loadOrt(candidate: DeviceCandidate, options: RuntimeOptions): Promise<OrtModule> {
  const key = isNode() ? 'node' : candidate.backend === 'webgpu' ? 'ort.min.mjs' : 'ort.wasm.min.mjs';
  let module = loaded.get(key);
  if (!module) {
    module = (async () => {
      const url = new URL(key, options.runtimeBaseUrl).href;
      const ort: OrtModule = isNode()
        ? await import(/* @vite-ignore */ NODE_PACKAGE)
        : await withTimeout(
            (import(/* @vite-ignore */ url) as Promise<OrtModule>).catch((error: unknown) => {
              throw new EdgewiseError(
                'BACKEND_UNAVAILABLE',
                `onnxruntime-web could not be loaded from ${url} (${error instanceof Error ? error.message : String(error)}); serve the runtime files there (the Vite plugin does) or set runtimeBaseUrl`,
              );
            }),
            RUNTIME_LOAD_MS,
            () =>
              new EdgewiseError(
                'NETWORK',
                `onnxruntime-web did not load from ${url} within ${RUNTIME_LOAD_MS / 1000} s; check that runtimeBaseUrl serves it`,
              ),
          );
      if (!isNode()) ort.env.wasm.wasmPaths = new URL('.', new URL(key, options.runtimeBaseUrl)).href;
      // Threads are fixed when the WASM instance starts; every later session shares them.
      ort.env.wasm.numThreads = candidate.threads;
      ort.env.logLevel = 'error';
      return ort;
    })();
    module.catch(() => loaded.delete(key));
    loaded.set(key, module);
  }
  return module;
}

const ORT_DTYPES: Partial<Record<string, TensorDType>> = {
  float32: 'float32',
  float16: 'float16',
  int8: 'int8',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

function specsOf(metadata: readonly Ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return metadata.map((m) => {
    if (!m.isTensor) return { name: m.name, dtype: 'float32', shape: [] };
    const dtype = ORT_DTYPES[m.type];
    if (!dtype) {
      throw new EdgewiseError(
        'MODEL_FORMAT',
        `model value "${m.name}" has dtype ${m.type}, which Edgewise does not pass yet (float32, float16, int8, uint8, int32, int64, bool)`,
      );
    }
    return { name: m.name, dtype, shape: m.shape.map((d) => (typeof d === 'number' && d < 0 ? -1 : d)) };
  });
}

function fromOrtTensor(value: Ort.Tensor): Tensor {
  const data = value.data as TensorData;
  // A CPU output already owns a fresh JS buffer (onnxruntime-web copies it out of the WASM heap):
  // hand it over as is. Anything viewing shared or WASM memory is copied so it can be transferred.
  if (
    value.location === 'cpu' &&
    data.buffer instanceof ArrayBuffer &&
    data.byteLength === data.buffer.byteLength
  ) {
    return { data, dims: [...value.dims] };
  }
  const Ctor = data.constructor as new (source: ArrayLike<number | bigint>) => TensorData;
  return { data: new Ctor(data as never), dims: [...value.dims] };
}

function looksLikeFormatError(message: string): boolean {
  return /protobuf|parse|invalid model|Failed to load model|magic|unsupported model IR|opset|No Op registered|Could not find an implementation/i.test(
    message,
  );
}

class OnnxSession implements RuntimeSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly lost?: Promise<string>;
  readonly #dtypes: Map<string, TensorDType>;

  constructor(
    private readonly ort: OrtModule,
    private readonly session: Ort.InferenceSession,
    lost: Promise<string> | undefined,
  ) {
    this.inputs = specsOf(session.inputMetadata);
    this.outputs = specsOf(session.outputMetadata);
    this.#dtypes = new Map(this.inputs.map((s) => [s.name, s.dtype]));
    if (lost) this.lost = lost;
  }

  async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const name in feeds) {
      const tensor = feeds[name]!;
      ortFeeds[name] = new this.ort.Tensor(
        this.#dtypes.get(name) ?? 'float32',
        tensor.data as never,
        tensor.dims,
      );
    }
    let results: Ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(ortFeeds);
    } catch (error) {
      throw runtimeRunError('onnxruntime-web', error);
    }
    const out: Record<string, Tensor> = {};
    for (const name of this.session.outputNames) {
      const value = results[name];
      if (value) out[name] = fromOrtTensor(value);
      value?.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** ONNX models on onnxruntime-web: the webgpu (JSEP) and wasm execution providers, in a browser or in Node. */
export const onnxAdapter: RuntimeAdapter = {
  format: 'onnx',
  name: 'onnxruntime-web',
  backends: ['webgpu', 'wasm'],
  async createSession(bytes, candidate, options) {
    const ort = await loadOrt(candidate, options);
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: [candidate.backend],
        graphOptimizationLevel: 'all',
        ...(options.externalData ? { externalData: options.externalData } : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (looksLikeFormatError(message) && candidate.backend === 'wasm') {
        throw new EdgewiseError(
          'MODEL_FORMAT',
          `onnxruntime-web cannot load this file as an ONNX model (${message}); check the file and its format in the manifest`,
          { cause: error },
        );
      }
      throw error;
    }
    let lost: Promise<string> | undefined;
    if (candidate.backend === 'webgpu') {
      const device = (await ort.env.webgpu.device) as unknown as
        | { lost?: Promise<{ message?: string }> }
        | undefined;
      lost = device?.lost?.then((info) => `GPU device lost: ${info?.message || 'no reason given'}`);
    }
    return new OnnxSession(ort, session, lost);
  },
};
