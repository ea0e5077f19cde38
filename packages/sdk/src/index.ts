export { EdgewiseError, type ErrorCode, isEdgewiseError } from './errors.js';
export { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
export type {
  ModelArtifact,
  ModelEntry,
  ModelFormat,
  ModelManifest,
  ModelVersion,
  Quantization,
  TensorDType,
  TensorSpec,
  VersionStatus,
} from './models/manifest-types.js';
