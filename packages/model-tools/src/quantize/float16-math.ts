/** Largest finite half: values beyond it are clamped here rather than becoming ±Infinity. */
export const FLOAT16_MAX = 65504;

const scratch = new DataView(new ArrayBuffer(4));

/**
 * IEEE 754 binary16 bits of a float32, rounded to nearest with ties to even. Works on the float32 bit
 * pattern so rounding happens once (going through a double would round twice).
 */
export function float16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Rebias 127 → 15; anything at or above 2^16 is past the largest half.
  const e = exponent - 112;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the full significand, implicit bit included, into 10 bits.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const half = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const roundUp = rest > midpoint || (rest === midpoint && (half & 1) === 1);
    return sign | (half + (roundUp ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  const roundUp = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1);
  // A carry out of the mantissa bumps the exponent, which is the right answer (and may reach Infinity).
  return sign | (half + (roundUp ? 1 : 0));
}

export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Halves of `values`. Finite values that would round past ±65504 are clamped to it (and counted):
 * weights that large are almost always padding or masks, where the largest half keeps the intent and
 * Infinity would turn later products into NaN. Infinity and NaN in the input stay what they are.
 */
export function toFloat16(values: Float32Array): { bits: Uint16Array; clamped: number } {
  const bits = new Uint16Array(values.length);
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let h = float16Bits(v);
    if ((h & 0x7fff) === 0x7c00 && Number.isFinite(v)) {
      h = (h & 0x8000) | 0x7bff;
      clamped++;
    }
    bits[i] = h;
  }
  return { bits, clamped };
}
