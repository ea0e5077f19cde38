import type { ModelFormat, TensorSpec } from '../models/manifest-types.js';
import type { Backend, BackendCandidate } from './backend-plan.js';
import type { FallbackAttempt } from './create-with-fallback.js';
import type { ModelContent } from './model-content.js';
import type { Tensor } from './tensors.js';

export interface LoadRequest {
  /** Which model this is: the server runs it by name and version; the worker only reports it. */
  name: string;
  version: string;
  /** The model's bytes (and external data), read chunk by chunk; read again to rebuild a worker. */
  content: ModelContent;
  format: ModelFormat;
  /**
   * The backend to load on first; the rest, in order, take over the same file if that backend goes
   * away under a loaded model (a lost GPU). Placement moves to other files, the host never does.
   */
  candidates: BackendCandidate[];
  runtimeBaseUrl: string;
  tfliteRuntime?: 'litert' | 'tfjs-tflite';
  /** The manifest's inputs and outputs, for hosts that cannot read them from the file. */
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
}

export interface LoadedModel {
  backend: Backend;
  /** Why this backend: what it uses. */
  reason: string;
  threads: number;
  runtime: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Backends that failed under this model after it loaded (a lost GPU), in order. */
  failed: FallbackAttempt[];
}

/** Something that happened to a loaded model without a call to report it on. */
export type EngineEvent =
  | {
      type: 'fallback';
      modelId: string;
      from: Backend;
      to: Backend | undefined;
      error: string;
      /** Set when the backend was lost while the model ran (the GPU device), not refused at load. */
      cause?: 'device-lost';
    }
  | {
      type: 'worker-restarted';
      reason: string;
      retried: number;
      /** False when the worker was replaced on purpose (`recycleAfterLoads`), not after it died. */
      crashed: boolean;
    };

/**
 * Where models run: the inference worker in a browser, this thread in Node, or the server. One
 * contract, so placement and Model never ask which.
 */
export interface InferenceHost {
  load(id: string, request: LoadRequest): Promise<LoadedModel>;
  /**
   * `handOver`: the buffers are the host's to take (a worker host transfers them); without it the
   * caller's arrays stay intact and may be reused once `run` returns its promise.
   */
  run(id: string, feeds: Record<string, Tensor>, handOver?: boolean): Promise<Record<string, Tensor>>;
  /**
   * Several runs in one call: one worker round trip for a batch the model cannot stack. The caller's
   * arrays stay intact and may be reused once it returns its promise.
   */
  runMany(id: string, feeds: Record<string, Tensor>[], handOver?: boolean): Promise<Record<string, Tensor>[]>;
  dispose(id: string): Promise<void>;
  onEvent(listener: (event: EngineEvent) => void): void;
  close(): Promise<void>;
}
