import type { DenseModel } from '../dense-model.js';
import { checkDenseModel } from '../dense-model.js';
import { ModelToolsError } from '../errors.js';
import { calibrateDenseRanges } from './calibrate-dense.js';
import { floatDenseGraph } from './dense-graph-float.js';
import { int8DenseGraph } from './dense-graph-int8.js';
import { encodeTflite } from './encode.js';

export type TfliteQuantizationMode = 'float32' | 'hybrid-int8' | 'int8';

export interface DenseToTfliteOptions {
  /**
   * float32: plain float graph. hybrid-int8: int8 weights, float activations (dynamic-range
   * quantization). int8: int8 weights and activations, float input and output; needs `calibration`.
   */
  quantization: TfliteQuantizationMode;
  /** Representative inputs, each one row of inputSize floats; 'int8' takes its activation ranges from them. */
  calibration?: Float32Array[];
  /** One weight scale per output channel (default, as the converter does) or one per tensor. */
  perChannel?: boolean;
}

/**
 * Writes a DenseModel as a .tflite file: input `model.inputName` float32 [batch, inputSize] (batch
 * dynamic), output `model.outputName` float32 [batch, classes], signature "serving_default".
 *
 * @example
 * const fp32 = denseModelToTflite(model, { quantization: 'float32' });
 * const int8 = denseModelToTflite(model, { quantization: 'int8', calibration: trainRows.slice(0, 200) });
 */
export function denseModelToTflite(model: DenseModel, opts: DenseToTfliteOptions): Uint8Array {
  checkDenseModel(model);
  const perChannel = opts.perChannel ?? true;
  switch (opts.quantization) {
    case 'float32':
      return encodeTflite(floatDenseGraph(model, { kind: 'float32' }));
    case 'hybrid-int8':
      return encodeTflite(floatDenseGraph(model, { kind: 'hybrid-int8', perChannel }));
    case 'int8': {
      if (!opts.calibration || opts.calibration.length === 0) {
        throw new ModelToolsError(
          'BAD_ARGUMENT',
          `full int8 quantization of "${model.name}" needs calibration: pass a few hundred representative input rows ` +
            `(Float32Array of ${model.layers[0]!.inputSize} values each) as opts.calibration, or use 'hybrid-int8'`,
        );
      }
      return encodeTflite(int8DenseGraph(model, calibrateDenseRanges(model, opts.calibration), perChannel));
    }
    default:
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `unknown TFLite quantization "${String(opts.quantization)}"; use 'float32', 'hybrid-int8' or 'int8'`,
      );
  }
}
