import { ModelToolsError } from '../errors.js';
import { encodeTfliteGraph } from '../tflite/rewrite/encode-graph.js';
import { foldFloat16Dequantize } from '../tflite/rewrite/fold-float16.js';
import { isConstant, type TfliteGraph } from '../tflite/rewrite/graph.js';
import { readTfliteGraph } from '../tflite/rewrite/read-graph.js';
import { TensorType } from '../tflite/schema.js';
import { type CalibrationSample, calibrateTflite } from './calibrate.js';
import { quantizeWeightsDynamic } from './dynamic-range.js';
import { quantizeFullInt8 } from './full-int8.js';
import { WEIGHTED_OPS } from './ops.js';

export type { CalibrationSample } from './calibrate.js';

export type TfliteQuantizeMode = 'dynamic-int8' | 'int8';

export interface QuantizeTfliteOptions {
  /**
   * dynamic-int8: int8 weights, float activations (the converter's Optimize.DEFAULT; ops run hybrid).
   * int8: int8 weights and activations from calibration; input and output stay float32.
   */
  mode: TfliteQuantizeMode;
  /** Representative inputs for 'int8': a few dozen to a few hundred. */
  calibration?: CalibrationSample[];
  /** dynamic-int8: weights with fewer values stay float (default 1024, the converter's). */
  minElements?: number;
}

export interface QuantizeTfliteResult {
  bytes: Uint8Array;
  inputBytes: number;
  /** Size of the same model with every weight float32: what the ratio is measured against in the converter's docs. */
  float32Bytes: number;
  outputBytes: number;
  /** Weight tensors now int8. */
  quantizedWeights: number;
  /** float16 weights widened first (their DEQUANTIZE ops removed). */
  foldedFloat16: number;
  keptFloat: { tensor: string; reason: string }[];
}

/**
 * Quantizes a .tflite model to int8 in TypeScript. Float16-stored weights (DEQUANTIZE of a half
 * constant) are widened first, so "fp16" files from MediaPipe and the converter quantize too.
 * Throws UNSUPPORTED when there is nothing to quantize or an op is outside the int8 path's rules,
 * BAD_ARGUMENT for a bad mode or calibration.
 *
 * @example
 * const { bytes } = await quantizeTflite(fp32, { mode: 'dynamic-int8' });
 * const full = await quantizeTflite(fp32, { mode: 'int8', calibration: images });
 */
export async function quantizeTflite(
  bytes: Uint8Array,
  options: QuantizeTfliteOptions,
): Promise<QuantizeTfliteResult> {
  const graph = readTfliteGraph(bytes);
  const foldedFloat16 = foldFloat16Dequantize(graph);
  const floatBytes = encodeTfliteGraph(graph).length;
  let quantizedWeights: number;
  let keptFloat: QuantizeTfliteResult['keptFloat'] = [];
  if (options.mode === 'dynamic-int8') {
    const minElements = options.minElements ?? 1024;
    if (!Number.isInteger(minElements) || minElements < 0) {
      throw new ModelToolsError('BAD_ARGUMENT', `minElements must be a whole number ≥ 0, got ${minElements}`);
    }
    ({ quantized: quantizedWeights, keptFloat } = quantizeWeightsDynamic(graph, minElements));
  } else if (options.mode === 'int8') {
    if (!options.calibration?.length) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `full int8 quantization needs calibration: pass representative inputs as options.calibration (one Float32Array per model input each), or use mode 'dynamic-int8'`,
      );
    }
    if (!hasFloatWeights(graph)) throw nothingToQuantize(0);
    // The ranges come from the float graph, after the fp16 fold and before any tensor changes type.
    const ranges = await calibrateTflite(graph, options.calibration);
    quantizedWeights = quantizeFullInt8(graph, ranges);
  } else {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `unknown TFLite quantization mode "${String(options.mode)}"; use 'dynamic-int8' or 'int8'`,
    );
  }
  if (quantizedWeights === 0) throw nothingToQuantize(keptFloat.length);
  const out = encodeTfliteGraph(graph);
  return {
    bytes: out,
    inputBytes: bytes.length,
    float32Bytes: floatBytes,
    outputBytes: out.length,
    quantizedWeights,
    foldedFloat16,
    keptFloat,
  };
}

function hasFloatWeights(graph: TfliteGraph): boolean {
  return graph.subgraphs.some((s) =>
    s.operators.some((op) => {
      const info = WEIGHTED_OPS[op.code.builtinCode];
      const w = info ? s.tensors[op.inputs[info.weightInput]!] : undefined;
      return w !== undefined && w.type === TensorType.FLOAT32 && isConstant(graph, w);
    }),
  );
}

function nothingToQuantize(underMinElements: number): ModelToolsError {
  const why = underMinElements
    ? ` large enough (${underMinElements} are under minElements: lower it)`
    : ' (is it already quantized?)';
  return new ModelToolsError(
    'UNSUPPORTED',
    `nothing to quantize: the model has no float32/float16 weights of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED${why}; pass the float model instead`,
  );
}
