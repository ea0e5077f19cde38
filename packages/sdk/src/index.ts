// The public entry: what packages/sdk/README.md documents, and nothing else. Internals stay
// importable from their own files for our packages and tests; every name here is a promise.

export { DEVICE_CLASSES, type DeviceClass } from '@edgewise/protocol';
export {
  Edgewise,
  type EdgewiseConfig,
  type EdgewiseNotice,
  type LoadBytesOptions,
  type LoadOptions,
} from './edgewise.js';
export { EdgewiseError, type ErrorCode, isEdgewiseError } from './errors.js';
export type { FlushResult } from './events/event-queue-options.js';
export type { EdgewiseEvent, EventType } from './events/event-types.js';
export { assignToGroup } from './experiments/ab-assignment.js';
export { assignArm } from './experiments/assign-arm.js';
export type {
  ArmAssignment,
  AssignOptions,
  AssignReason,
  Attributes,
  ExperimentArm,
  ExperimentConfig,
  Holdout,
} from './experiments/experiment-types.js';
export { hashToUnit } from './experiments/hash-to-unit.js';
export type { Backend } from './inference/backend-plan.js';
export { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
export type { NamedInputs, NamedOutputs, Tensor, TensorData, TensorInput } from './inference/tensors.js';
export type { Model, ModelDescription, PredictOptions } from './model.js';
export type {
  ModelArtifact,
  ModelFormat,
  ModelManifest,
  ModelVersion,
  Quantization,
  TensorSpec,
  VersionStatus,
} from './models/manifest-types.js';
export type { CachedModel } from './models/model-cache.js';
export type { Progress, ProgressCallback } from './models/progress.js';
export type { ModelCacheApi } from './models/store-types.js';
