import { MODEL_FORMATS, type ModelFormat, TENSOR_DTYPES, type TensorDType } from './common.js';

/**
 * The model manifest: what versions of which models exist, where their bytes are, and how to check them.
 * Served as `models/manifest.json` or by the server at `/v1/manifest`. URLs are relative to the manifest.
 * A version is one file plus optional `variants`: the same weights in other quantizations or formats
 * (int8 for WASM, int4 for WebGPU, TFLite), among which the SDK picks the one that suits its backend.
 */
export type { ModelFormat, TensorDType };
export const QUANTIZATIONS = [
  'fp32',
  'fp16',
  'int8',
  'int8-dynamic',
  'int8-qdq',
  'int8-hybrid',
  'int4',
] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];
export const VERSION_STATUSES = ['candidate', 'approved', 'retired'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export type Backend = 'webgpu' | 'wasm' | 'remote';

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
  backends?: Backend[];
  metrics?: Record<string, number>;
  /**
   * ONNX external data: the files the model's tensors point at by `location`, fetched, checked and
   * stored like the model file itself. `bytes` and `sha256` above are the .onnx file's alone.
   */
  externalData?: ExternalDataFile[];
}

/** One external data file (a shard of the weights) of an ONNX model. */
export interface ExternalDataFile {
  /** The `location` the model's tensors name, e.g. 'model.onnx.data'. */
  path: string;
  /** Where to download it; relative URLs resolve against the manifest's. */
  url: string;
  sha256: string;
  bytes: number;
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

const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}'; // ISO 8601; Date.parse does the rest

export const tensorSpecSchema = {
  type: 'object',
  required: ['name', 'dtype', 'shape'],
  properties: {
    name: { type: 'string', minLength: 1 },
    dtype: { type: 'string', enum: TENSOR_DTYPES },
    shape: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'integer', minimum: -1 },
          { type: 'string', minLength: 1 },
        ],
      },
    },
  },
} as const;

const artifactProperties = {
  url: { type: 'string', minLength: 1 },
  format: { type: 'string', enum: MODEL_FORMATS },
  sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  bytes: { type: 'integer', minimum: 0 },
  quantization: { type: 'string', enum: QUANTIZATIONS },
  backends: { type: 'array', items: { type: 'string', enum: ['webgpu', 'wasm', 'remote'] } },
  metrics: { type: 'object', additionalProperties: { type: 'number' } },
  externalData: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['path', 'url', 'sha256', 'bytes'],
      properties: {
        path: { type: 'string', minLength: 1 },
        url: { type: 'string', minLength: 1 },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        bytes: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;
const artifactRequired = ['url', 'format', 'sha256', 'bytes', 'quantization'] as const;

export const modelArtifactSchema = {
  type: 'object',
  required: artifactRequired,
  properties: artifactProperties,
} as const;

export const modelVersionSchema = {
  type: 'object',
  required: [...artifactRequired, 'inputs', 'outputs', 'createdAt', 'status'],
  properties: {
    ...artifactProperties,
    inputs: { type: 'array', items: tensorSpecSchema },
    outputs: { type: 'array', items: tensorSpecSchema },
    createdAt: { type: 'string', pattern: DATE_TIME },
    status: { type: 'string', enum: VERSION_STATUSES },
    labels: { type: 'array', items: { type: 'string' } },
    variants: { type: 'object', additionalProperties: modelArtifactSchema },
  },
} as const;

/**
 * The whole manifest. Unknown properties are allowed everywhere so a manifest written by newer
 * tools still loads in an older SDK.
 */
export const modelManifestSchema = {
  type: 'object',
  required: ['schemaVersion', 'generatedAt', 'models'],
  properties: {
    schemaVersion: { const: 1 },
    generatedAt: { type: 'string', pattern: DATE_TIME },
    models: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['channels', 'versions'],
        properties: {
          description: { type: 'string' },
          channels: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
          versions: { type: 'object', additionalProperties: modelVersionSchema },
        },
      },
    },
    signature: {
      type: 'object',
      required: ['alg', 'value'],
      properties: {
        alg: { const: 'Ed25519' },
        value: { type: 'string', pattern: '^[A-Za-z0-9+/]{86}==$' },
        keyId: { type: 'string' },
      },
    },
  },
} as const;
