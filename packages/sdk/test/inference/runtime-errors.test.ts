// What a runtime failure during a run becomes, on onnxruntime-web's real messages.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { runtimeRunError } from '../../src/inference/runtime-errors.js';

const silero = join(
  import.meta.dirname,
  '../../../../node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
);
const iris = join(import.meta.dirname, '../../../../models/iris/1.0.0/iris.fp32.onnx');

async function ortFailure(path: string, feeds: Record<string, ort.Tensor>): Promise<unknown> {
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(path)));
  try {
    await session.run(feeds);
  } catch (error) {
    return error;
  } finally {
    await session.release();
  }
  throw new Error('expected onnxruntime-web to fail');
}

describe('runtimeRunError', () => {
  it('names the input onnxruntime refused, with INPUT_SHAPE', async () => {
    const error = await ortFailure(iris, { input: new ort.Tensor('float32', new Float32Array(5), [1, 5]) });
    expect(runtimeRunError('onnxruntime-web', error)).toMatchObject({
      code: 'INPUT_SHAPE',
      details: { input: 'input' },
      message: expect.stringMatching(/^onnxruntime-web refused input "input": Got invalid dimensions/),
    });
  });

  it('says INPUT_DTYPE for a dtype onnxruntime refused', async () => {
    const error = await ortFailure(iris, { input: new ort.Tensor('int32', new Int32Array(4), [1, 4]) });
    expect(runtimeRunError('onnxruntime-web', error).code).toBe('INPUT_DTYPE');
  });

  it('names the innermost op and node that failed inside a real model (Silero, a too-short frame)', async () => {
    const error = await ortFailure(silero, {
      input: new ort.Tensor('float32', new Float32Array(10), [1, 10]),
      state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
      sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
    });
    const mapped = runtimeRunError('onnxruntime-web', error);
    expect(mapped).toMatchObject({ code: 'INFERENCE', details: { op: 'Pad' } });
    expect(mapped.message).toMatch(/failed in op Pad \(node ".*stft\/padding\/Pad"\): Pad reflect: post-pad/);
  });
});
