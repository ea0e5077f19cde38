// The same load/predict API in Node, on onnxruntime-web's WASM backend, with no worker.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Edgewise, EdgewiseError, type Model } from '@edgewise/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const models = join(import.meta.dirname, '../../../../models');
const expected = JSON.parse(await readFile(join(models, 'expected/iris.json'), 'utf8')) as {
  inputs: number[][];
  outputs: Record<string, number[][]>;
};

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgewiseError);
    return (error as EdgewiseError).code;
  }
  throw new Error('expected an EdgewiseError');
}

describe('Edgewise in Node (no worker)', () => {
  let ew: Edgewise;
  let iris: Model;

  beforeAll(async () => {
    ew = await Edgewise.create({ backends: ['webgpu', 'wasm'] });
    iris = await ew.loadBytes(await readFile(join(models, 'iris/1.0.0/iris.fp32.onnx')), {
      format: 'onnx',
      name: 'iris',
    });
  });

  afterAll(() => ew.close());

  it('skips WebGPU (Node has none) and says why, then runs on WASM', () => {
    expect(iris.backend).toBe('wasm');
    expect(iris.describe().backendReason).toMatch(/WebAssembly/);
    expect(iris.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32' });
  });

  it('predicts the committed expected outputs for every held-out row', async () => {
    for (const [i, row] of expected.inputs.entries()) {
      const { probabilities } = await iris.predict({ input: Float32Array.from(row) });
      expect(probabilities!.dims).toEqual([1, 3]);
      Array.from(probabilities!.data as Float32Array).forEach((p, j) => {
        expect(p).toBeCloseTo(expected.outputs.fp32![i]![j]!, 6);
      });
    }
  });

  it('batches rows along the dynamic first dimension and splits the result back', async () => {
    const items = expected.inputs.slice(0, 7).map((row) => ({ input: Float32Array.from(row) }));
    const batched = await iris.predictBatch(items);
    expect(batched).toHaveLength(7);
    for (const [i, out] of batched.entries()) {
      expect(out.probabilities!.dims).toEqual([1, 3]);
      expect(out.probabilities!.data[0]).toBeCloseTo(expected.outputs.fp32![i]![0]!, 6);
    }
  });

  it('refuses bad inputs with the right code and keeps serving', async () => {
    expect(await codeOf(() => iris.predict({}))).toBe('INPUT_MISSING');
    expect(await codeOf(() => iris.predict({ input: new Float32Array(4), extra: new Float32Array(1) }))).toBe(
      'INPUT_UNKNOWN',
    );
    expect(await codeOf(() => iris.predict({ input: new Float64Array(4) as never }))).toBe('INPUT_DTYPE');
    expect(await codeOf(() => iris.predict({ input: new Float32Array(5) }))).toBe('INPUT_SHAPE');
    expect(await codeOf(() => iris.predict({ input: { data: new Float32Array(4), dims: [2, 2] } }))).toBe(
      'INPUT_SHAPE',
    );
    const { probabilities } = await iris.predict({ input: Float32Array.from(expected.inputs[0]!) });
    expect(probabilities!.data[0]).toBeCloseTo(expected.outputs.fp32![0]![0]!, 6);
  });

  it('refuses a file that is not a model with MODEL_FORMAT', async () => {
    const bytes = new TextEncoder().encode('this is not an onnx model at all');
    expect(await codeOf(() => ew.loadBytes(bytes, { format: 'onnx' }))).toBe('MODEL_FORMAT');
  });

  it('caches predictions when asked, keyed by the input bytes', async () => {
    const cached = await Edgewise.create({ predictionCacheSize: 8 });
    const model = await cached.loadBytes(await readFile(join(models, 'iris/1.0.0/iris.fp32.onnx')), {
      format: 'onnx',
    });
    const a = await model.predict({ input: Float32Array.from(expected.inputs[0]!) });
    const again = await model.predict({ input: Float32Array.from(expected.inputs[0]!) });
    const other = await model.predict({ input: Float32Array.from(expected.inputs[1]!) });
    expect(again).toBe(a);
    expect(other).not.toBe(a);
    await cached.close();
  });

  it('frees sessions: 1,000 load/dispose cycles do not grow memory', async () => {
    const bytes = await readFile(join(models, 'iris/1.0.0/iris.fp32.onnx'));
    const cycle = async () => {
      const m = await ew.loadBytes(bytes, { format: 'onnx' });
      await m.predict({ input: new Float32Array(4) });
      await m.dispose();
    };
    // The WASM heap grows to a high-water mark and never shrinks, so compare the two halves: a leaked
    // session per cycle would grow the second half as much as the first.
    for (let i = 0; i < 100; i++) await cycle();
    const start = process.memoryUsage().rss;
    for (let i = 0; i < 500; i++) await cycle();
    const middle = process.memoryUsage().rss;
    for (let i = 0; i < 500; i++) await cycle();
    const end = process.memoryUsage().rss;
    const [first, second] = [(middle - start) / 2 ** 20, (end - middle) / 2 ** 20];
    console.log(
      `rss grew ${first.toFixed(1)} MiB, then ${second.toFixed(1)} MiB, over 2 × 500 load/dispose cycles`,
    );
    expect(second).toBeLessThan(16);
    expect(
      await codeOf(async () => {
        const m = await ew.loadBytes(bytes, { format: 'onnx' });
        await m.dispose();
        await m.predict({ input: new Float32Array(4) });
      }),
    ).toBe('DISPOSED');
  });
});
