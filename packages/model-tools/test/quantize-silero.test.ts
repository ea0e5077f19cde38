import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx } from '../src/onnx/codec.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { validateOps } from '../src/onnx/validate-ops.js';
import { quantizeDynamicInt8 } from '../src/quantize/dynamic-int8.js';
import { SILERO, sileroFrames, sileroProbabilities } from './support/silero.js';
import { maxAbsDiff } from './support/test-data.js';

const FRAMES = 24;

describe('quantizeDynamicInt8 on Silero VAD v5 (weights in Constant nodes inside If branches)', () => {
  const float = new Uint8Array(readFileSync(SILERO));
  const frames = sileroFrames(FRAMES);
  let reference: number[];

  beforeAll(async () => {
    reference = await sileroProbabilities(float, frames);
  });

  it('quantizes all 12 Convs of both sample-rate branches to ConvInteger and keeps the LSTMs in float', () => {
    const result = quantizeDynamicInt8(float, { perChannel: true });
    expect(result.quantizedNodes).toHaveLength(12);
    expect(result.skippedNodes.map((s) => s.reason)).toEqual(
      Array(4).fill(expect.stringMatching(/^LSTM is left in float/)),
    );
    const info = inspectOnnx(result.bytes);
    expect(info.opHistogram).toMatchObject({ ConvInteger: 12, DynamicQuantizeLinear: 12, LSTM: 4, If: 25 });
    expect(info.opHistogram.Conv).toBeUndefined();
    expect(() => validateOps(decodeOnnx(result.bytes))).not.toThrow();
    expect(result.bytes.byteLength / float.byteLength).toBeLessThan(0.7);
  });

  it('per-channel: speech probabilities stay within 0.02 of the float model', async () => {
    const { bytes } = quantizeDynamicInt8(float, { perChannel: true });
    const quantized = await sileroProbabilities(bytes, frames);
    expect(maxAbsDiff(quantized, reference)).toBeLessThan(0.02);
    // The same frames are called speech.
    expect(quantized.map((p) => p > 0.5)).toEqual(reference.map((p) => p > 0.5));
  });

  it('per-tensor: still a working VAD, within 0.1 of the float model', async () => {
    const { bytes } = quantizeDynamicInt8(float);
    const quantized = await sileroProbabilities(bytes, frames);
    expect(maxAbsDiff(quantized, reference)).toBeLessThan(0.1);
    expect(quantized.map((p) => p > 0.5)).toEqual(reference.map((p) => p > 0.5));
  });
});
