/**
 * Plain-JS versions of the TFLite kernels our graphs use, after tensorflow/lite/kernels/internal/
 * reference (fully_connected, integer_ops/fully_connected, softmax, quantize, dequantize) and the hybrid
 * path of kernels/fully_connected.cc. Tensors are row-major [batch][features].
 *
 * One deliberate difference: the int8 kernels requantize with a float multiplier and round half away
 * from zero, where TFLite uses a 32-bit fixed-point multiplier and XNNPack its own float rounding, so
 * an int8 output may differ from the runtime's by 1 step of its scale; int8 SOFTMAX (TFLite uses a
 * lookup table) by up to 2 steps of 1/256.
 */
import { type AffineParams, clamp, roundHalfAway } from './int8-params.js';

export interface FcShape {
  batch: number;
  inputSize: number;
  outputSize: number;
  /** Fused relu. */
  relu: boolean;
}

/** Per-channel scales have one entry per output; per-tensor ones a single entry. */
function scaleOf(scales: ArrayLike<number>, o: number): number {
  return scales.length === 1 ? scales[0]! : scales[o]!;
}

export function fullyConnectedFloat(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | undefined,
  s: FcShape,
) {
  const y = new Float32Array(s.batch * s.outputSize);
  for (let b = 0; b < s.batch; b++) {
    for (let o = 0; o < s.outputSize; o++) {
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < s.inputSize; i++) acc += x[b * s.inputSize + i]! * w[o * s.inputSize + i]!;
      y[b * s.outputSize + o] = s.relu ? Math.max(0, acc) : acc;
    }
  }
  return y;
}

/**
 * One row quantized to int8 the way tensor_utils does it: asymmetric (AsymmetricQuantizeFloats, range
 * widened to include 0, zero point nudged from whichever end is exact) or symmetric (zero point 0).
 */
export function quantizeRow(
  row: Float32Array,
  asymmetric: boolean,
): { q: Int8Array; scale: number; offset: number } {
  const q = new Int8Array(row.length);
  let lo = 0;
  let hi = 0;
  for (const v of row) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!asymmetric) {
    const range = Math.max(-lo, hi);
    if (range === 0) return { q, scale: 1, offset: 0 };
    for (let i = 0; i < row.length; i++) q[i] = clamp(roundHalfAway((row[i]! * 127) / range), -127, 127);
    return { q, scale: range / 127, offset: 0 };
  }
  if (lo === hi) return { q, scale: 1, offset: 0 };
  const scale = (hi - lo) / 255;
  const fromMin = -128 - lo / scale;
  const fromMax = 127 - hi / scale;
  const useMin = 128 + Math.abs(lo / scale) < 127 + Math.abs(hi / scale);
  const offset = clamp(roundHalfAway(useMin ? fromMin : fromMax), -128, 127);
  for (let i = 0; i < row.length; i++) q[i] = clamp(roundHalfAway(offset + row[i]! / scale), -128, 127);
  return { q, scale, offset };
}

/** Hybrid FC: float input quantized per row, int8 weights, float bias and output. */
export function fullyConnectedHybrid(
  x: Float32Array,
  w: Int8Array,
  weightScales: ArrayLike<number>,
  bias: Float32Array | undefined,
  s: FcShape & { asymmetricInputs: boolean },
) {
  const y = new Float32Array(s.batch * s.outputSize);
  for (let b = 0; b < s.batch; b++) {
    const { q, scale, offset } = quantizeRow(
      x.subarray(b * s.inputSize, (b + 1) * s.inputSize),
      s.asymmetricInputs,
    );
    for (let o = 0; o < s.outputSize; o++) {
      let dot = 0;
      let rowSum = 0;
      for (let i = 0; i < s.inputSize; i++) {
        const wi = w[o * s.inputSize + i]!;
        dot += q[i]! * wi;
        rowSum += wi;
      }
      const acc = (bias ? bias[o]! : 0) + (dot - offset * rowSum) * scale * scaleOf(weightScales, o);
      y[b * s.outputSize + o] = s.relu ? Math.max(0, acc) : acc;
    }
  }
  return y;
}

/** int8 FC: acc = Σ (x − x_zp)·w + bias (int32), then requantized to the output scale and clamped. */
export function fullyConnectedInt8(
  x: Int8Array,
  input: AffineParams,
  w: Int8Array,
  weightScales: ArrayLike<number>,
  bias: Int32Array | undefined,
  output: AffineParams,
  s: FcShape,
) {
  const y = new Int8Array(s.batch * s.outputSize);
  // CalculateActivationRangeQuantized: relu clamps at the quantized 0, i.e. the zero point.
  const lo = s.relu ? Math.max(-128, output.zeroPoint) : -128;
  for (let b = 0; b < s.batch; b++) {
    for (let o = 0; o < s.outputSize; o++) {
      let acc = bias ? bias[o]! : 0;
      for (let i = 0; i < s.inputSize; i++)
        acc += (x[b * s.inputSize + i]! - input.zeroPoint) * w[o * s.inputSize + i]!;
      const multiplier = (input.scale * scaleOf(weightScales, o)) / output.scale;
      y[b * s.outputSize + o] = clamp(roundHalfAway(acc * multiplier) + output.zeroPoint, lo, 127);
    }
  }
  return y;
}

export function softmaxFloat(x: Float32Array, batch: number, n: number, beta: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let b = 0; b < batch; b++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) max = Math.max(max, x[b * n + i]!);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp((x[b * n + i]! - max) * beta);
    for (let i = 0; i < n; i++) y[b * n + i] = Math.exp((x[b * n + i]! - max) * beta) / sum;
  }
  return y;
}

export function dequantize(x: Int8Array, p: AffineParams): Float32Array {
  return Float32Array.from(x, (q) => (q - p.zeroPoint) * p.scale);
}

export function quantize(x: Float32Array, p: AffineParams): Int8Array {
  return Int8Array.from(x, (v) => clamp(roundHalfAway(v / p.scale) + p.zeroPoint, -128, 127));
}

/** int8 softmax, computed in float between a dequantize and a quantize (see the file comment). */
export function softmaxInt8(
  x: Int8Array,
  input: AffineParams,
  output: AffineParams,
  batch: number,
  n: number,
  beta: number,
) {
  return quantize(softmaxFloat(dequantize(x, input), batch, n, beta), output);
}
