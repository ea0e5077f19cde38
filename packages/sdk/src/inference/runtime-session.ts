import type { ModelFormat, TensorSpec } from '../models/manifest-types.js';
import type { DeviceBackend, DeviceCandidate } from './backend-plan.js';
import type { ExternalData } from './model-content.js';
import type { Tensor } from './tensors.js';

/** A loaded model on one backend of one runtime. */
export interface RuntimeSession {
  /** Inputs and outputs as the runtime declares them. */
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
  /** Settles when the backend goes away under the session (a lost GPU device), with why. */
  readonly lost?: Promise<string>;
}

export interface RuntimeOptions {
  /** Where the runtime files are served in a browser (see the Vite plugin); ignored in Node. */
  runtimeBaseUrl: string;
  /** Which TFLite runtime to use: LiteRT.js (default) or @tensorflow/tfjs-tflite. */
  tfliteRuntime?: 'litert' | 'tfjs-tflite';
  /** ONNX external data files, by the `location` the model's tensors name. */
  externalData?: ExternalData[];
}

/** One runtime (onnxruntime-web, LiteRT.js, tfjs-tflite) behind one interface. */
export interface RuntimeAdapter {
  readonly format: ModelFormat;
  readonly name: string;
  /** Backends this runtime can use at all. */
  readonly backends: readonly DeviceBackend[];
  createSession(
    bytes: Uint8Array,
    candidate: DeviceCandidate,
    options: RuntimeOptions,
  ): Promise<RuntimeSession>;
}

export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return (
    typeof proc?.versions?.node === 'string' &&
    typeof (globalThis as { window?: unknown }).window === 'undefined'
  );
}
