// The runtime choice is model-tools' (one chooser for the batch CLI and the server); here its
// failures become the server's 503, since a request cannot fix a missing runtime.
import {
  type ChooseRuntimeOptions,
  chooseOnnxRuntime as chooseForTools,
  defaultOnnxRuntime as defaultForTools,
  ModelToolsError,
  type OnnxRuntime,
} from '@edgewise/model-tools';
import { ServerError } from '../errors.js';

export type { ChooseRuntimeOptions, ModuleLoader, OnnxRuntime, OrtModule } from '@edgewise/model-tools';

function asServerError(error: unknown): never {
  if (error instanceof ModelToolsError) throw new ServerError('UNAVAILABLE', error.message);
  throw error;
}

/** onnxruntime-node when it loads (native CPU), else onnxruntime-web's WASM build; why, in `reason`. */
export function chooseOnnxRuntime(options: ChooseRuntimeOptions = {}): Promise<OnnxRuntime> {
  return chooseForTools(options).catch(asServerError);
}

/** The process-wide choice, made once (shared with model-tools in the same process). */
export function defaultOnnxRuntime(): Promise<OnnxRuntime> {
  return defaultForTools().catch(asServerError);
}
