import { describe, expect, it } from 'vitest';
import { FLOAT16_MAX, float16Bits, float16ToNumber, toFloat16 } from '../src/quantize/float16-math.js';

describe('float16Bits', () => {
  it('encodes exact values', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(0.5)).toBe(0x3800);
    expect(float16Bits(FLOAT16_MAX)).toBe(0x7bff);
    expect(float16Bits(-0)).toBe(0x8000);
    expect(float16Bits(2 ** -14)).toBe(0x0400);
  });

  it('rounds to nearest, ties to even', () => {
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, 1.0 is even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, rounds up to the even neighbour
    expect(float16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just past the tie
    expect(float16Bits(2047.5)).toBe(float16Bits(2048)); // carry into the exponent
  });

  it('rounds subnormals and underflows to signed zero', () => {
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(2 ** -25)).toBe(0x0000); // tie with zero, zero is even
    expect(float16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 units → 2
    expect(float16Bits(1023 * 2 ** -24)).toBe(0x03ff);
    expect(float16Bits(-(2 ** -30))).toBe(0x8000);
  });

  it('keeps Infinity and NaN', () => {
    expect(float16Bits(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(float16Bits(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    expect(float16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(float16Bits(Number.NaN) & 0x3ff).not.toBe(0);
  });

  it('round-trips every half', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16ToNumber(bits);
      if (Number.isNaN(value)) continue;
      expect(float16Bits(value)).toBe(bits);
    }
  });
});

describe('toFloat16', () => {
  it('clamps finite overflow to ±65504 and counts it, leaving Infinity alone', () => {
    const { bits, clamped } = toFloat16(Float32Array.of(65520, -1e9, 70000, Number.POSITIVE_INFINITY, 1));
    expect(Array.from(bits)).toEqual([0x7bff, 0xfbff, 0x7bff, 0x7c00, 0x3c00]);
    expect(clamped).toBe(3);
  });

  it('65519 is still below the rounding boundary and is not clamped', () => {
    expect(toFloat16(Float32Array.of(65519)).clamped).toBe(0);
  });
});
