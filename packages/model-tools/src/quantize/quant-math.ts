/**
 * The integer arithmetic onnxruntime uses, in float32 steps (Math.fround) so a JS computation can match
 * onnxruntime's output bit for bit where the operations are the same.
 */

const f = Math.fround;

/** Round half to even, as std::nearbyint does in the default rounding mode. */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

export interface Uint8Params {
  scale: number;
  zeroPoint: number;
}

/**
 * uint8 asymmetric parameters for a value range, exactly as DynamicQuantizeLinear computes them:
 * the range is widened to include 0, scale = (max − min) / 255, zero point = saturate(round(−min / scale)).
 */
export function uint8Params(min: number, max: number): Uint8Params {
  const lo = Math.min(f(min), 0);
  const hi = Math.max(f(max), 0);
  // onnxruntime uses scale 1 for an all-zero range instead of dividing by zero.
  const scale = hi === lo ? 1 : f(f(hi - lo) / 255);
  const zeroPoint = roundHalfToEven(clamp(f(0 - f(lo / scale)), 0, 255));
  return { scale, zeroPoint };
}

export function quantizeToUint8(values: Float32Array, { scale, zeroPoint }: Uint8Params): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = clamp(roundHalfToEven(f(values[i]! / scale)) + zeroPoint, 0, 255);
  }
  return out;
}

/** DynamicQuantizeLinear over a whole tensor (all rows of a batch share one scale). */
export function dynamicQuantizeLinear(values: Float32Array): Uint8Params & { quantized: Uint8Array } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const params = uint8Params(values.length ? min : 0, values.length ? max : 0);
  return { ...params, quantized: quantizeToUint8(values, params) };
}

export interface Int8Weights {
  quantized: Int8Array;
  /** One scale per tensor, or one per slice along `axis`. */
  scales: Float32Array;
  axis: number | undefined;
}

/**
 * Symmetric int8 weights (zero point 0, range ±127 like onnxruntime's default for weights), per tensor
 * or per slice along `axis` (per output channel).
 */
export function quantizeInt8Symmetric(
  values: Float32Array,
  dims: readonly number[],
  axis?: number,
): Int8Weights {
  const channels = axis === undefined ? 1 : dims[axis]!;
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((n, d) => n * d, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const absMax = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(values[i]!));
  }
  const scales = Float32Array.from(absMax, (m) => (m === 0 ? 1 : f(m / 127)));
  const quantized = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    quantized[i] = clamp(roundHalfToEven(f(values[i]! / scales[channelOf(i)]!)), -127, 127);
  }
  return { quantized, scales, axis };
}

/** The float weights an Int8Weights stands for (what DequantizeLinear produces). */
export function dequantizeInt8(weights: Int8Weights, dims: readonly number[]): Float32Array {
  const { axis, scales, quantized } = weights;
  const inner = axis === undefined ? quantized.length : dims.slice(axis + 1).reduce((n, d) => n * d, 1);
  const channels = axis === undefined ? 1 : dims[axis]!;
  return Float32Array.from(quantized, (q, i) =>
    f(q * scales[axis === undefined ? 0 : Math.floor(i / inner) % channels]!),
  );
}
