export {
  Edgewise,
  type EdgewiseConfig,
  type EdgewiseNotice,
  type LoadBytesOptions,
  type LoadOptions as ModelLoadOptions,
} from './edgewise.js';
export { EdgewiseError, type ErrorCode, isEdgewiseError } from './errors.js';
export * from './events/index.js';
export * from './experiments/index.js';
export {
  type Backend,
  type BackendCandidate,
  type BackendPlan,
  planBackends,
} from './inference/backend-plan.js';
export { type BackendCapabilities, detectBackends } from './inference/capabilities.js';
export type { NamedInputs, NamedOutputs, Tensor, TensorData, TensorInput } from './inference/tensors.js';
export { isDynamicDim, validateInputs } from './inference/validate-inputs.js';
export { Model, type ModelDescription, type PredictOptions } from './model.js';
export * from './models/index.js';
