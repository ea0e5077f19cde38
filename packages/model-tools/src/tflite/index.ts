export { inspectTflite, type TfliteModelInfo, type TfliteTensorInfo } from './inspect-tflite.js';
export { builtinOperatorName } from './op-names.js';
export {
  readTflite,
  type TfliteModel,
  type TfliteOperator,
  type TfliteOperatorCode,
  type TfliteQuantization,
  type TfliteSubgraph,
  type TfliteTensor,
} from './read.js';
export { runTfliteReference } from './reference.js';
export { TENSOR_TYPE_NAMES as TFLITE_TENSOR_TYPE_NAMES, TensorType as TfliteTensorType } from './schema.js';
export { type DenseToTfliteOptions, denseModelToTflite, type TfliteQuantizationMode } from './write-dense.js';
