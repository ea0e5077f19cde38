export {
  MODEL_FORMATS,
  type ModelFormat,
  NAME_PATTERN,
  TENSOR_DTYPES,
  type TensorDType,
  UUID_PATTERN,
} from './common.js';
export {
  type EdgewiseEvent,
  EVENT_TEXT_LIMITS,
  type EventBatch,
  type EventType,
  eventBatchSchema,
  eventSchema,
  eventTimestamp,
  MAX_EVENT_TS,
  MAX_EVENTS_PER_BATCH,
  MIN_EVENT_TS,
} from './event.js';
export {
  BANDIT_POLICIES,
  type BanditPolicyName,
  type ExperimentArm,
  type ExperimentConfig,
  type ExperimentDefinition,
  type ExperimentType,
  experimentConfigSchema,
  experimentDefinitionSchema,
  MAX_ARMS,
} from './experiment.js';
export {
  type Backend,
  type ManifestSignature,
  type ModelArtifact,
  type ModelEntry,
  type ModelManifest,
  type ModelVersion,
  modelArtifactSchema,
  modelManifestSchema,
  modelVersionSchema,
  QUANTIZATIONS,
  type Quantization,
  type TensorSpec,
  tensorSpecSchema,
  VERSION_STATUSES,
  type VersionStatus,
} from './manifest.js';
export type {
  ArmResult,
  ConfidenceSequence,
  ExperimentResults,
  Interval,
  IpsResult,
  Labelled,
  MetricValue,
  SequentialResult,
  SrmResult,
  Unattributed,
  Unit,
  Verdict,
  VerdictStatus,
  WelchResult,
  ZTestResult,
} from './results.js';
export { experimentResultsSchema } from './results.js';
export { type TensorJson, tensorJsonSchema } from './tensor-json.js';
export { specVersion } from './version.js';
