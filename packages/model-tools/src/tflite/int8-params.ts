/**
 * The int8 arithmetic of the TFLite quantization spec (tensorflow.org/lite/performance/quantization_spec):
 * real = scale × (q − zero_point); weights symmetric (zero point 0, range [−127, 127]), activations
 * asymmetric over [−128, 127] with a range that always contains 0, bias int32 at input × weight scale.
 */

export interface AffineParams {
  scale: number;
  zeroPoint: number;
}

/** TFLite's TfLiteRound: halves go away from zero (Math.round sends −2.5 to −2). */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/**
 * Scale and zero point for an activation seen in [min, max]. The range is widened to include 0 so
 * that 0 (padding, relu's floor) is exact, then the zero point is rounded into [−128, 127].
 */
export function activationParams(min: number, max: number): AffineParams {
  const lo = Math.min(min, 0);
  let hi = Math.max(max, 0);
  // A tensor that was always 0 (a dead relu layer) can take any scale; 1/255 keeps multipliers sane.
  if (hi - lo === 0) hi = 1;
  const scale = (hi - lo) / 255;
  return { scale, zeroPoint: clamp(roundHalfAway(-128 - lo / scale), -128, 127) };
}

export interface QuantizedWeights {
  /** Same layout as the float weights. */
  values: Int8Array;
  /** One scale per output channel (row), or a single one when per-tensor. */
  scales: number[];
}

/**
 * Symmetric int8 quantization of a [rows][cols] row-major matrix, one scale per row (output channel,
 * quantized_dimension 0) or one for the whole tensor.
 */
export function quantizeWeightsSymmetric(
  weights: Float32Array,
  rows: number,
  cols: number,
  perChannel: boolean,
): QuantizedWeights {
  const maxAbs = (from: number, to: number) => {
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, Math.abs(weights[i]!));
    return m;
  };
  // An all-zero row quantizes to zeros under any scale; 1 avoids dividing by zero.
  const toScale = (m: number) => (m > 0 ? m / 127 : 1);
  const scales = perChannel
    ? Array.from({ length: rows }, (_, r) => toScale(maxAbs(r * cols, (r + 1) * cols)))
    : [toScale(maxAbs(0, weights.length))];
  const values = new Int8Array(weights.length);
  for (let r = 0; r < rows; r++) {
    const scale = scales[perChannel ? r : 0]!;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      values[i] = clamp(roundHalfAway(weights[i]! / scale), -127, 127);
    }
  }
  return { values, scales };
}

/** int32 bias at scale inputScale × weightScale[channel], zero point 0, as the int8 kernels expect. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: number[]): Int32Array {
  const out = new Int32Array(bias.length);
  for (let o = 0; o < bias.length; o++) {
    const scale = inputScale * weightScales[weightScales.length === 1 ? 0 : o]!;
    out[o] = clamp(roundHalfAway(bias[o]! / scale), -2147483648, 2147483647);
  }
  return out;
}
