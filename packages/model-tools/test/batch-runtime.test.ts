// The batch runtime chooser: onnxruntime-node when it loads, WASM otherwise, and both give the same
// numbers on the repo's models and on Silero VAD. Speeds are printed, never asserted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../src/batch/run-batch.js';
import { ModelToolsError } from '../src/errors.js';
import { chooseOnnxRuntime, type OnnxRuntime } from '../src/runtime/onnx-runtime.js';
import { SILERO, sileroFrames } from './support/silero.js';

const root = join(import.meta.dirname, '../../..');
const modelBytes = (path: string) => new Uint8Array(readFileSync(join(root, path)));
const expected = (name: string) =>
  JSON.parse(readFileSync(join(root, 'models/expected', `${name}.json`), 'utf8')) as { inputs: number[][] };
const missingNode = async (specifier: string) => {
  if (specifier === 'onnxruntime-node') throw new Error("Cannot find package 'onnxruntime-node'");
  return import(specifier);
};

function maxAbsDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let max = 0;
  a.forEach((row, r) => {
    for (let i = 0; i < row.length; i++) max = Math.max(max, Math.abs(row[i]! - b[r]![i]!));
  });
  return max;
}

/** Silero's speech probability per frame, carrying the recurrent state; and the ms per frame. */
async function silero(runtime: OnnxRuntime, frames: Float32Array[]): Promise<{ p: number[]; ms: number }> {
  const { ort } = runtime;
  const session = await ort.InferenceSession.create(modelBytes(SILERO));
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
  const p: number[] = [];
  const started = performance.now();
  for (const frame of frames) {
    const out = await session.run({ input: new ort.Tensor('float32', frame, [1, 512]), state, sr });
    p.push((out.output!.data as Float32Array)[0]!);
    state = out.stateN as typeof state;
  }
  const ms = (performance.now() - started) / frames.length;
  await session.release();
  return { p, ms };
}

describe('ONNX runtime for batch', () => {
  let native: OnnxRuntime;
  let wasm: OnnxRuntime;
  beforeAll(async () => {
    native = await chooseOnnxRuntime({ prefer: 'auto' });
    wasm = await chooseOnnxRuntime({ prefer: 'auto', load: missingNode });
  });

  it('uses onnxruntime-node when it is installed (it is, as an optional dependency)', () => {
    expect(native).toMatchObject({ name: 'onnxruntime-node', reason: expect.stringContaining('installed') });
    expect(native.version).toMatch(/^1\.\d+\.\d+/);
  });

  it('falls back to onnxruntime-web WASM when onnxruntime-node cannot load, saying why', () => {
    expect(wasm.name).toBe('onnxruntime-web');
    expect(wasm.version).toMatch(/^1\.\d+\.\d+/);
    expect(wasm.reason).toContain('Cannot find package');
  });

  it('fails with a typed error when onnxruntime-node is required but missing', async () => {
    const error = await chooseOnnxRuntime({ prefer: 'onnxruntime-node', load: missingNode }).catch((e) => e);
    expect(error).toBeInstanceOf(ModelToolsError);
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toContain('npm install onnxruntime-node');
  });

  it('agrees between the runtimes on iris and mnist within 1e-5, and says which ran', async () => {
    for (const name of ['iris', 'mnist']) {
      const bytes = modelBytes(`models/${name}/1.0.0/${name}.fp32.onnx`);
      const base = expected(name).inputs.map((row) => Float32Array.from(row));
      // Enough rows that the timing means something: the committed inputs, repeated.
      const rows = Array.from({ length: name === 'iris' ? 20_000 : 2_000 }, (_, i) => base[i % base.length]!);
      const a = await runBatch(bytes, rows, { runtime: native, batchSize: 256 });
      const b = await runBatch(bytes, rows, { runtime: wasm, batchSize: 256 });
      expect(a.runtime.name).toBe('onnxruntime-node');
      expect(b.runtime.name).toBe('onnxruntime-web');
      const diff = maxAbsDiff(a.outputs, b.outputs);
      console.log(
        `${name}: ${rows.length} rows, onnxruntime-node ${(a.seconds * 1000).toFixed(1)} ms, ` +
          `onnxruntime-web ${(b.seconds * 1000).toFixed(1)} ms, max |diff| ${diff.toExponential(2)}`,
      );
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('agrees on Silero VAD (recurrent, 24 frames) within 1e-5 of speech probability', async () => {
    const frames = sileroFrames(24);
    // A warm-up pass each, so the timing is not session creation.
    await silero(native, frames.slice(0, 2));
    await silero(wasm, frames.slice(0, 2));
    const a = await silero(native, frames);
    const b = await silero(wasm, frames);
    const diff = maxAbsDiff([a.p], [b.p]);
    console.log(
      `silero_vad_v5: onnxruntime-node ${a.ms.toFixed(3)} ms/frame, onnxruntime-web ${b.ms.toFixed(3)} ms/frame, ` +
        `max |diff| ${diff.toExponential(2)}`,
    );
    // The state carries float rounding from frame to frame; 24 frames stay well inside 1e-5 (about 1e-7 here).
    expect(diff).toBeLessThan(1e-5);
    expect(Math.max(...a.p)).toBeGreaterThan(Math.min(...a.p));
  });
});
