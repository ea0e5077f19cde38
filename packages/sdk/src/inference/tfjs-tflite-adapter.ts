import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfTflite from '@tensorflow/tfjs-tflite';
import { EdgewiseError } from '../errors.js';
import type { TensorDType, TensorSpec } from '../models/manifest-types.js';
import { isNode, type RuntimeAdapter, type RuntimeOptions, type RuntimeSession } from './runtime-session.js';
import type { Tensor, TensorData } from './tensors.js';

interface TfjsTflite {
  tf: typeof TfCore;
  tflite: typeof TfTflite;
}

/** The UMD scripts under `<runtimeBaseUrl>tfjs-tflite/`, in load order, as the Vite plugin emits them. */
export const TFJS_TFLITE_SCRIPTS = ['tf-core.min.js', 'tf-backend-cpu.min.js', 'tf-tflite.min.js'];

let loaded: Promise<TfjsTflite> | undefined;
/** Why the runtime's glue script failed to load: tfjs-tflite swallows that and fails later on. */
let scriptFailure: string | undefined;
/** What the interpreter printed while a model was being created: its exception only says "failed". */
let interpreterLog: string[] | undefined;

/**
 * tfjs-tflite loads its Emscripten glue with importScripts(), which a module worker refuses. A
 * synchronous XHR plus a global eval does the same thing there (as for LiteRT.js): workers may block,
 * and the glue only declares a global factory. Only files under `base` are fetched: on import the
 * package also prefetches the glue next to the worker script, where it never is.
 */
function allowClassicScriptsInModuleWorker(base: string): void {
  const scope = globalThis as unknown as { importScripts?: (...urls: string[]) => void };
  scope.importScripts = (...urls: string[]) => {
    for (const url of urls) {
      if (!url.startsWith(base)) throw new Error(`${url} is not under ${base}; not fetched`);
      const request = new XMLHttpRequest();
      request.open('GET', url, false);
      request.send();
      if (request.status !== 200) {
        scriptFailure = `could not fetch ${url}: HTTP ${request.status}`;
        throw new Error(scriptFailure);
      }
      // biome-ignore lint/security/noGlobalEval: importScripts' own semantics, for our own same-origin runtime file.
      const globalEval = globalThis.eval;
      globalEval(`${request.responseText}\n//# sourceURL=${url}`);
    }
  };
}

/**
 * The glue binds console.warn as its stderr when it loads; a pass-through put there first lets a failed
 * load say what the interpreter said (the op it lacks, say). Lines are kept only during a load.
 */
function recordInterpreterErrors(): void {
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ').trim();
    if (interpreterLog && line.startsWith('ERROR:')) interpreterLog.push(line);
    warn(...args);
  };
}

function loadTfjsTflite(options: RuntimeOptions): Promise<TfjsTflite> {
  loaded ??= (async () => {
    if (isNode()) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        "tfjs-tflite runs in browsers only; in Node use the ONNX twin of the model, or tfliteRuntime: 'litert' in a browser",
      );
    }
    // The loader appends tflite_web_api_cc[_simd][_threaded].js to this prefix, by browser features.
    const base = new URL('tfjs-tflite/', options.runtimeBaseUrl).href;
    allowClassicScriptsInModuleWorker(base);
    recordInterpreterErrors();
    // Optional peers, never bundled: their UMD builds are classic scripts under `base` (the Vite plugin
    // emits them with tfjsTflite: true) that set the globals tf and tflite, so an app without them
    // builds nothing of tfjs — nor the direct eval in tf-tflite's Closure loader.
    try {
      importScripts(...TFJS_TFLITE_SCRIPTS.map((file) => new URL(file, base).href));
    } catch (error) {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `the tfjs-tflite runtime is not served under ${base} (${scriptFailure ?? String(error)}): install @tensorflow/tfjs-tflite and @tensorflow/tfjs-backend-cpu beside @edgewise/sdk and let the Vite plugin emit them (edgewise({ tfjsTflite: true })), or use tfliteRuntime: 'litert'`,
        { cause: error },
      );
    }
    const scope = globalThis as unknown as { tf: typeof TfCore; tflite: typeof TfTflite };
    const { tf, tflite } = scope;
    await tf.setBackend('cpu');
    tflite.setWasmPath(base);
    return { tf, tflite };
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** tfjs-tflite reports every TFLite integer type as tfjs int32 and converts on the way in and out. */
const DTYPES: Partial<Record<string, TensorDType>> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
};

function specsOf(infos: readonly TfCore.ModelTensorInfo[]): TensorSpec[] {
  return infos.map((info) => {
    const dtype = DTYPES[info.dtype];
    if (!dtype) {
      throw new EdgewiseError(
        'MODEL_FORMAT',
        `model value "${info.name}" has dtype ${info.dtype}, which tfjs-tflite does not pass (float32, int32, bool); use tfliteRuntime: 'litert'`,
      );
    }
    return { name: info.name, dtype, shape: [...(info.shape ?? [])] };
  });
}

class TfjsTfliteSession implements RuntimeSession {
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];

  constructor(
    private readonly tf: typeof TfCore,
    private readonly model: TfTflite.TFLiteModel,
  ) {
    this.inputs = specsOf(model.inputs);
    this.outputs = specsOf(model.outputs);
  }

  async run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const { tf } = this;
    const inputs: TfCore.NamedTensorMap = {};
    let results: TfCore.Tensor | TfCore.Tensor[] | TfCore.NamedTensorMap | undefined;
    try {
      for (const [name, t] of Object.entries(feeds)) {
        const dtype = this.inputs.find((s) => s.name === name)?.dtype ?? 'float32';
        inputs[name] = tf.tensor(t.data as TfCore.TypedArray, t.dims, dtype as TfCore.DataType);
      }
      results = this.model.predict(inputs);
      // One output comes back bare, several as a map by name.
      const named: TfCore.NamedTensorMap =
        results instanceof tf.Tensor
          ? { [this.outputs[0]!.name]: results }
          : Array.isArray(results)
            ? Object.fromEntries(results.map((r, i) => [this.outputs[i]!.name, r]))
            : results;
      const out: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(named)) {
        const data = value.dataSync() as unknown as TensorData;
        // dataSync() hands back the backend's own array; copy so the result is ours to transfer.
        const Ctor = data.constructor as new (source: ArrayLike<number | bigint>) => TensorData;
        out[name] = { data: new Ctor(data as never), dims: [...value.shape] };
      }
      return out;
    } finally {
      tf.dispose(Object.values(inputs));
      if (results) tf.dispose(results as TfCore.TensorContainer);
    }
  }

  async dispose(): Promise<void> {
    // TFLiteModel has no public cleanup; its runner frees the interpreter and the model buffer.
    (this.model as unknown as { modelRunner?: { cleanUp?: () => void } }).modelRunner?.cleanUp?.();
  }
}

/**
 * TFLite models on @tensorflow/tfjs-tflite (TFLite's own WASM interpreter, XNNPack): WASM only.
 * Chosen with `tfliteRuntime: 'tfjs-tflite'`; LiteRT.js stays the default.
 */
export const tfjsTfliteAdapter: RuntimeAdapter = {
  format: 'tflite',
  name: 'tfjs-tflite',
  backends: ['wasm'],
  async createSession(bytes, candidate, options) {
    if (candidate.backend !== 'wasm') {
      throw new EdgewiseError(
        'BACKEND_UNAVAILABLE',
        `tfjs-tflite runs on WASM only, not ${candidate.backend}: allow 'wasm' in backends, or use tfliteRuntime: 'litert' for WebGPU`,
      );
    }
    const { tf, tflite } = await loadTfjsTflite(options);
    let model: TfTflite.TFLiteModel;
    interpreterLog = [];
    try {
      // The runner copies the buffer into the WASM heap; give it exactly the model's bytes.
      const buffer = bytes.slice().buffer;
      model = await tflite.loadTFLiteModel(buffer, { numThreads: candidate.threads });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (scriptFailure) {
        throw new EdgewiseError(
          'BACKEND_UNAVAILABLE',
          `the tfjs-tflite runtime did not load (${scriptFailure}): serve its files under runtimeBaseUrl at tfjs-tflite/ (the Vite plugin does with edgewise({ tfjsTflite: true }))`,
          { cause: error },
        );
      }
      const said = interpreterLog.join(' ');
      throw new EdgewiseError(
        'MODEL_FORMAT',
        `tfjs-tflite cannot load this TFLite model (${message}${said ? `; ${said}` : ''}). Its interpreter dates from 2023 and lacks newer op versions (per-channel int8 FULLY_CONNECTED, v12, among them): use tfliteRuntime: 'litert' for this model, or check the file`,
        { cause: error },
      );
    } finally {
      interpreterLog = undefined;
    }
    return new TfjsTfliteSession(tf, model);
  },
};
