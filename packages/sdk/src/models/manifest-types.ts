/**
 * The model manifest: what versions of which models exist, where their bytes are, and how to check them.
 * Served as `models/manifest.json` or by the server at `/v1/manifest`. URLs are relative to the manifest.
 * A version is one file plus optional `variants`: the same weights in other quantizations or formats
 * (int8 for WASM, int4 for WebGPU, TFLite), among which the SDK picks the one that suits its backend.
 */
export type ModelFormat = 'onnx' | 'tflite';
export type Quantization = 'fp32' | 'fp16' | 'int8' | 'int8-dynamic' | 'int8-qdq' | 'int8-hybrid' | 'int4';
export type VersionStatus = 'candidate' | 'approved' | 'retired';
export type TensorDType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  /** A string or -1 marks a dynamic dimension. */
  shape: (number | string)[];
}

/** Where a version's file is and how to check it. */
export interface ModelArtifact {
  url: string;
  format: ModelFormat;
  sha256: string;
  bytes: number;
  quantization: Quantization;
  /** Backends this artifact suits best, in order; absent means any. */
  backends?: ('webgpu' | 'wasm' | 'remote')[];
  metrics?: Record<string, number>;
}

export interface ModelVersion extends ModelArtifact {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  createdAt: string;
  status: VersionStatus;
  /** Class names for classifier outputs, index-aligned. */
  labels?: string[];
  /**
   * The same version in other files (quantizations, formats), by id such as 'int8', 'int4' or
   * 'tflite-int8'; same inputs, outputs and labels. The SDK may pick one to suit the backend.
   */
  variants?: Record<string, ModelArtifact>;
}

export interface ModelEntry {
  description?: string;
  channels: Partial<Record<'stable' | 'canary', string>> & Record<string, string>;
  versions: Record<string, ModelVersion>;
}

export interface ModelManifest {
  schemaVersion: 1;
  generatedAt: string;
  models: Record<string, ModelEntry>;
  /** Present on a signed manifest; see packages/sdk/docs/manifest.md. */
  signature?: ManifestSignature;
}

/**
 * An Ed25519 signature over the canonical JSON (RFC 8785) of the manifest without this field.
 * `value` is the 64-byte signature in base64; `keyId` is free text that names the key for people.
 */
export interface ManifestSignature {
  alg: 'Ed25519';
  value: string;
  keyId?: string;
}
