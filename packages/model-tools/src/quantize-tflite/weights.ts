// The int8 arithmetic shared by both TFLite quantizers, following the TFLite quantization spec:
// weights symmetric int8 in [-127, 127] with zero point 0 (per output channel for convolutions),
// activations asymmetric int8 with a range that always contains 0, biases int32 at input × weight scale.

export interface SymmetricWeights {
  values: Int8Array;
  /** One per slice along `axis` (or a single one when axis is undefined). */
  scales: number[];
}

/** Symmetric int8 quantization of `values` (shape `shape`), one scale per slice along `axis`. */
export function quantizeSymmetric(
  values: Float32Array,
  shape: number[],
  axis: number | undefined,
): SymmetricWeights {
  const channels = axis === undefined ? 1 : shape[axis]!;
  // Elements between two neighbours along `axis` (row-major): the product of the later dimensions.
  const inner = axis === undefined ? 1 : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Array<number>(channels).fill(0);
  values.forEach((v, i) => {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(v));
  });
  // An all-zero channel still needs a positive scale; its values quantize to 0 whatever it is.
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const out = new Int8Array(values.length);
  values.forEach((v, i) => {
    out[i] = Math.max(-127, Math.min(127, Math.round(v / scales[channelOf(i)]!)));
  });
  return { values: out, scales };
}

export interface ActivationParams {
  scale: number;
  zeroPoint: number;
  min: number;
  max: number;
}

/** Asymmetric int8 parameters for a float range (widened to contain 0, so zero padding is exact). */
export function activationParams(min: number, max: number): ActivationParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / 255 : 1 / 255;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - lo / scale)));
  return { scale, zeroPoint, min: lo, max: hi };
}

export function quantizeAffine(values: Float32Array, p: ActivationParams): Int8Array {
  return Int8Array.from(values, (v) => Math.max(-128, Math.min(127, Math.round(v / p.scale) + p.zeroPoint)));
}

/** int32 bias at scale inputScale × weightScale[c] for channel c (the last dimension's index). */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: number[]): Int32Array {
  const channels = weightScales.length;
  return Int32Array.from(values, (v, i) => Math.round(v / (inputScale * weightScales[i % channels]!)));
}
