import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx } from '../src/onnx/codec.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { openOnnxSession } from '../src/onnx/run-onnx.js';
import { validateOps } from '../src/onnx/validate-ops.js';
import { quantizeDynamicInt8 } from '../src/quantize/dynamic-int8.js';
import { maxAbsDiff } from './support/test-data.js';

const SILERO = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';
const FRAME = 512;
const FRAMES = 24;

/** Silence, then a voiced-like harmonic tone with a little noise (16 kHz), so the VAD output moves. */
function makeFrames(): Float32Array[] {
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Array.from({ length: FRAMES }, (_, f) =>
    Float32Array.from({ length: FRAME }, (_, i) => {
      const t = (f * FRAME + i) / 16000;
      const voiced =
        f >= FRAMES / 4 ? 0.4 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 440 * t) : 0;
      return voiced + 0.01 * noise();
    }),
  );
}

/** Speech probability per frame, carrying the recurrent state from frame to frame. */
async function probabilities(bytes: Uint8Array, frames: Float32Array[]): Promise<number[]> {
  const session = await openOnnxSession(bytes);
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
  const out: number[] = [];
  for (const frame of frames) {
    const result = await session.run({ input: new ort.Tensor('float32', frame, [1, FRAME]), state, sr });
    out.push((result.output!.data as Float32Array)[0]!);
    state = result.stateN!;
  }
  await session.release();
  return out;
}

describe('quantizeDynamicInt8 on Silero VAD v5 (weights in Constant nodes inside If branches)', () => {
  const float = new Uint8Array(readFileSync(SILERO));
  const frames = makeFrames();
  let reference: number[];

  beforeAll(async () => {
    reference = await probabilities(float, frames);
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
    const quantized = await probabilities(bytes, frames);
    expect(maxAbsDiff(quantized, reference)).toBeLessThan(0.02);
    // The same frames are called speech.
    expect(quantized.map((p) => p > 0.5)).toEqual(reference.map((p) => p > 0.5));
  });

  it('per-tensor: still a working VAD, within 0.1 of the float model', async () => {
    const { bytes } = quantizeDynamicInt8(float);
    const quantized = await probabilities(bytes, frames);
    expect(maxAbsDiff(quantized, reference)).toBeLessThan(0.1);
    expect(quantized.map((p) => p > 0.5)).toEqual(reference.map((p) => p > 0.5));
  });
});
