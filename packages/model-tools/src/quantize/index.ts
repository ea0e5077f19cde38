export {
  type CalibrationFeed,
  type CalibrationValue,
  calibrateRanges,
  type ValueRange,
} from './calibrate.js';
export { type DynamicInt8Options, quantizeDynamicInt8 } from './dynamic-int8.js';
export {
  convertFloat16,
  type Float16Options,
  type Float16Summary,
  type KeptFloat32,
} from './float16.js';
export { type Int4Options, quantizeInt4 } from './int4.js';
export { type QdqInt8Options, type QdqSummary, quantizeQdqInt8 } from './qdq-int8.js';
export type { QuantizeSummary, SkippedNode } from './quantize-summary.js';
export { type ReferenceMode, type ReferenceOptions, runDenseReference } from './reference.js';
