import type * as LiteRtModule from '@litertjs/core';
import { EdgewiseError } from '../errors.js';
import type { TensorDType, TensorSpec } from '../models/manifest-types.js';
import { isNode, type RuntimeAdapter, type RuntimeOptions, type RuntimeSession } from './runtime-session.js';
import type { Tensor, TensorData } from './tensors.js';

type LiteRt = typeof LiteRtModule;

/** LiteRT.js's ESM entry under `<runtimeBaseUrl>litert/`, as the Vite plugin emits it. */
export const LITERT_ENTRY = 'litert.mjs';

let loaded: Promise<LiteRt> | undefined;

/**
 * LiteRT.js loads its Emscripten glue with importScripts(), which a module worker refuses. A
 * synchronous XHR plus a global eval does the same thing there: workers may block, and the glue only
 * declares a global factory.
 */
function allowClassicScriptsInModuleWorker(): void {
  const scope = globalThis as unknown as { importScripts?: (...urls: string[]) => void };
  scope.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      const request = new XMLHttpRequest();
      request.open('GET', url, false);
      request.send();
      if (request.status !== 200) throw new Error(`could not fetch ${url}: HTTP ${request.status}`);
      // biome-ignore lint/security/noGlobalEval: importScripts' own semantics, for our own same-origin runtime file.
      const globalEval = globalThis.eval;
      globalEval(`${request.responseText}\n//# sourceURL=${url}`);
    }
  };
}

function loadLiteRt(options: RuntimeOptions): Promise<LiteRt> {
  loaded ??= (async () => {
    if (isNode()) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        'TFLite models run in browsers only; in Node use the ONNX twin of the model',
      );
    }
    allowClassicScriptsInModuleWorker();
    const base = new URL('litert/', options.runtimeBaseUrl).href;
    // The Emscripten glue looks for its .wasm next to the worker script unless told otherwise; LiteRT
    // passes a pre-set global Module to the factory, so locateFile goes there.
    (globalThis as unknown as { Module?: unknown }).Module = {
      locateFile: (file: string) => new URL(file, base).href,
    };
    // An optional peer: never bundled, imported from the runtime files as onnxruntime-web is, so an app
    // without it builds (and ships) nothing of LiteRT.js. The Vite plugin emits this ESM file.
    const entry = new URL(LITERT_ENTRY, base).href;
    let litert: LiteRt;
    try {
      litert = (await import(/* @vite-ignore */ entry)) as LiteRt;
    } catch (error) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `LiteRT.js, the TFLite runtime, is not served at ${entry}: install @litertjs/core beside @edgewise/sdk and let the Vite plugin emit it (edgewise({ tflite: true }), or a manifest option that lists a .tflite model), or load the model's ONNX variant`,
        { cause: error },
      );
    }
    await litert.loadLiteRt(base);
    return litert;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

const DTYPES: Record<string, TensorDType> = {
  float32: 'float32',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  int64: 'int64',
  bool: 'bool',
};

function specsOf(details: readonly LiteRtModule.TensorDetails[]): TensorSpec[] {
  return details.map((d) => ({
    name: d.name,
    dtype: DTYPES[d.dtype] ?? 'float32',
    // LiteRT reports the static shape; a batch of -1 in the signature arrives as 1.
    shape: Array.from(d.shape),
  }));
}

class LiteRtSession implements RuntimeSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly #outputDims: Map<string, number[]>;

  constructor(
    private readonly litert: LiteRt,
    private readonly model: LiteRtModule.CompiledModel,
  ) {
    this.inputs = specsOf(model.getInputDetails());
    this.outputs = specsOf(model.getOutputDetails());
    this.#outputDims = new Map(this.outputs.map((o) => [o.name, o.shape as number[]]));
  }

  async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const inputs: Record<string, LiteRtModule.Tensor> = {};
    try {
      for (const [name, t] of Object.entries(feeds)) {
        inputs[name] = new this.litert.Tensor(t.data as LiteRtModule.TypedArray, t.dims);
      }
      const results = await this.model.run(inputs);
      const out: Record<string, Tensor> = {};
      for (const name in results) {
        const value = results[name]!;
        // data() copies out of the WASM heap into a buffer of its own: it can be transferred as is.
        const data = (await value.data()) as TensorData;
        out[name] = { data, dims: this.#outputDims.get(name)?.slice() ?? [data.length] };
        value.delete();
      }
      return out;
    } finally {
      for (const t of Object.values(inputs)) t.delete();
    }
  }

  async dispose(): Promise<void> {
    this.model.delete();
  }
}

/**
 * TFLite models on LiteRT.js (@litertjs/core): XNNPack on WASM, or its WebGPU accelerator. Preferred
 * over @tensorflow/tfjs-tflite, which is unmaintained and has no GPU path.
 */
export const liteRtAdapter: RuntimeAdapter = {
  format: 'tflite',
  name: 'litert',
  backends: ['webgpu', 'wasm'],
  async createSession(bytes, candidate, options) {
    const litert = await loadLiteRt(options);
    try {
      const model = await litert.loadAndCompile(bytes, { accelerator: candidate.backend });
      return new LiteRtSession(litert, model);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (candidate.backend === 'wasm') {
        throw new EdgewiseError(
          'MODEL_FORMAT',
          `LiteRT.js cannot load this file as a TFLite model (${message}); check the file and its format in the manifest`,
          { cause: error },
        );
      }
      throw error;
    }
  },
};
