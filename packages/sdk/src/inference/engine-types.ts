import type { ModelFormat, TensorSpec } from '../models/manifest-types.js';
import type { Backend, BackendCandidate } from './backend-plan.js';
import type { FallbackAttempt } from './create-with-fallback.js';
import type { Tensor } from './tensors.js';

export interface LoadRequest {
  bytes: Uint8Array;
  format: ModelFormat;
  /** Backends to try in order (the remote one is handled outside the engine). */
  candidates: BackendCandidate[];
  runtimeBaseUrl: string;
  tfliteRuntime?: 'litert' | 'tfjs-tflite';
}

export interface LoadedModel {
  backend: Backend;
  /** Why this backend: what it uses, and what failed before it. */
  reason: string;
  threads: number;
  runtime: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  failed: FallbackAttempt[];
}

/** Something that happened to a loaded model without a call to report it on. */
export type EngineEvent =
  | { type: 'fallback'; modelId: string; from: Backend; to: Backend | undefined; error: string }
  | { type: 'worker-restarted'; reason: string; retried: number };

/** Where models run: the inference worker in a browser, this thread in Node. Same contract. */
export interface InferenceHost {
  load(id: string, request: LoadRequest): Promise<LoadedModel>;
  run(id: string, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  /** Several runs in one call: one worker round trip for a batch the model cannot stack. */
  runMany(id: string, feeds: Record<string, Tensor>[]): Promise<Record<string, Tensor>[]>;
  dispose(id: string): Promise<void>;
  onEvent(listener: (event: EngineEvent) => void): void;
  close(): Promise<void>;
}
