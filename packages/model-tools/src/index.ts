export { parseNumericCsv, toCsvLine } from './batch/csv.js';
export { argmax, type BatchResult, runBatch } from './batch/run-batch.js';
export { inspectModel, type ModelInfo, type TensorInfo } from './commands/inspect.js';
export { publishToServer } from './commands/publish.js';
export type { Activation, DenseLayer, DenseModel } from './dense-model.js';
export { ModelToolsError } from './errors.js';
export * from './onnx/index.js';
export * from './prune/index.js';
export { describeArtifact, sha256Hex } from './publish/artifact.js';
export { computeBaseline, putBaseline } from './publish/baseline.js';
export { addToManifest, emptyManifest, type PublishEntry, parseManifest } from './publish/manifest-update.js';
export * from './quantize/index.js';
export {
  type CalibrationSample,
  type QuantizeTfliteOptions,
  type QuantizeTfliteResult,
  quantizeTflite,
  type TfliteQuantizeMode,
} from './quantize-tflite/index.js';
export { loadLiteRtInNode } from './runtime/litert-node.js';
export {
  type ChooseRuntimeOptions,
  chooseOnnxRuntime,
  defaultOnnxRuntime,
  type ModuleLoader,
  type OnnxRuntime,
  type OnnxRuntimeName,
  type OrtModule,
  RUNTIME_ENV,
} from './runtime/onnx-runtime.js';
export { runTfliteInNode } from './runtime/run-tflite-node.js';
export * from './tflite/index.js';
