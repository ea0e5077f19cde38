// The runtime choice is model-tools' (one chooser for the batch CLI and the server); here its
// failures become the server's 503, since a request cannot fix a missing runtime.
import {
  type ChooseRuntimeOptions,
  chooseOnnxRuntime as chooseForTools,
  ModelToolsError,
  type OnnxRuntime,
} from '@edgewise/model-tools';
import { ServerError } from '../errors.js';

export type { ChooseRuntimeOptions, ModuleLoader, OnnxRuntime, OrtModule } from '@edgewise/model-tools';

/** onnxruntime-node when it loads (native CPU), else onnxruntime-web's WASM build; why, in `reason`. */
export async function chooseOnnxRuntime(options: ChooseRuntimeOptions = {}): Promise<OnnxRuntime> {
  try {
    return await chooseForTools(options);
  } catch (error) {
    if (error instanceof ModelToolsError) throw new ServerError('UNAVAILABLE', error.message);
    throw error;
  }
}

let shared: Promise<OnnxRuntime> | undefined;

/** The process-wide choice, made once. */
export function defaultOnnxRuntime(): Promise<OnnxRuntime> {
  shared ??= chooseOnnxRuntime();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
