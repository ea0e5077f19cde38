// Silero VAD v5 (shipped in @ricky0123/vad-web) and a clip that makes its speech probability move.
import * as ort from 'onnxruntime-web';
import { openOnnxSession } from '../../src/onnx/run-onnx.js';

export const SILERO = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';
const FRAME = 512;

/** Silence, then a voiced-like harmonic tone with a little noise (16 kHz). */
export function sileroFrames(count = 24): Float32Array[] {
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, (_, f) =>
    Float32Array.from({ length: FRAME }, (_, i) => {
      const t = (f * FRAME + i) / 16000;
      const voiced =
        f >= count / 4 ? 0.4 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 440 * t) : 0;
      return voiced + 0.01 * noise();
    }),
  );
}

/** Speech probability per frame, carrying the recurrent state from frame to frame. */
export async function sileroProbabilities(bytes: Uint8Array, frames: Float32Array[]): Promise<number[]> {
  const session = await openOnnxSession(bytes);
  let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
  const out: number[] = [];
  try {
    for (const frame of frames) {
      const result = await session.run({ input: new ort.Tensor('float32', frame, [1, FRAME]), state, sr });
      out.push((result.output!.data as Float32Array)[0]!);
      state = result.stateN!;
    }
  } finally {
    await session.release();
  }
  return out;
}
