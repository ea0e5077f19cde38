import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { decodeOnnx } from '../src/onnx/codec.js';
import { forEachGraph } from '../src/onnx/graph-walk.js';
import { inspectOnnx } from '../src/onnx/inspect-onnx.js';
import { DataType } from '../src/onnx/proto.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { convertFloat16 } from '../src/quantize/float16.js';
import { checkWithOnnx } from './support/onnx-checker.js';
import { SILERO, sileroFrames, sileroProbabilities } from './support/silero.js';
import { maxAbsDiff } from './support/test-data.js';

interface Expected {
  inputName: string;
  outputName: string;
  inputs: number[][];
}

const argmax = (row: ArrayLike<number>) =>
  Array.from(row).reduce((best, v, i, a) => (v > a[best]! ? i : best), 0);

async function probabilities(bytes: Uint8Array, expected: Expected): Promise<Float32Array> {
  const width = expected.inputs[0]!.length;
  const x = Float32Array.from(expected.inputs.flat());
  const out = await runOnnx(bytes, {
    [expected.inputName]: new ort.Tensor('float32', x, [expected.inputs.length, width]),
  });
  return out[expected.outputName]!.data as Float32Array;
}

/** Element types still float32 in any graph: initializers and declared values. */
function float32Names(bytes: Uint8Array): string[] {
  const names: string[] = [];
  forEachGraph(decodeOnnx(bytes).graph!, ({ graph }) => {
    for (const t of graph.initializer ?? []) if (t.dataType === DataType.FLOAT) names.push(t.name ?? '');
    for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])])
      if (v.type?.tensorType?.elemType === DataType.FLOAT) names.push(v.name ?? '');
  });
  return names;
}

describe.each([
  { model: 'iris', classes: 3 },
  { model: 'mnist', classes: 10 },
])('convertFloat16 on models/$model', ({ model, classes }) => {
  const float = new Uint8Array(readFileSync(`models/${model}/1.0.0/${model}.fp32.onnx`));
  const expected = JSON.parse(readFileSync(`models/expected/${model}.json`, 'utf8')) as Expected;
  const result = convertFloat16(float);

  it('stores every weight as float16 and keeps float32 only at the graph edges', () => {
    expect(result.convertedInitializers).toHaveLength(4);
    expect(result.keptFloat32).toEqual([]);
    expect(result.clampedValues).toBe(0);
    expect(float32Names(result.bytes)).toEqual([expected.inputName, expected.outputName]);
    expect(inspectOnnx(result.bytes).opHistogram).toMatchObject({ Cast: 2, MatMul: 2 });
  });

  it('matches the float32 model on the held-out rows within 2e-3, with the same argmax', async () => {
    const want = await probabilities(float, expected);
    const got = await probabilities(result.bytes, expected);
    const diff = maxAbsDiff(got, want);
    console.log(
      `${model}: ${float.byteLength} → ${result.bytes.byteLength} bytes, max |Δp| ${diff.toExponential(2)}`,
    );
    expect(diff).toBeLessThan(2e-3);
    for (let r = 0; r < expected.inputs.length; r++) {
      const row = (a: Float32Array) => a.subarray(r * classes, (r + 1) * classes);
      expect(argmax(row(got))).toBe(argmax(row(want)));
    }
  });

  it('passes the ONNX checker with full shape inference', () => {
    checkWithOnnx(result.bytes);
  });
});

describe('convertFloat16 on models/mnist size', () => {
  it('is at most 0.55× the float32 file', () => {
    const float = new Uint8Array(readFileSync('models/mnist/1.0.0/mnist.fp32.onnx'));
    expect(convertFloat16(float).bytes.byteLength / float.byteLength).toBeLessThanOrEqual(0.55);
  });
});

describe('convertFloat16 on Silero VAD v5 (Constant weights inside If branches, LSTMs)', () => {
  const float = new Uint8Array(readFileSync(SILERO));
  const result = convertFloat16(float);

  it('converts the Constant weights of both branches and keeps no node in float32', () => {
    expect(result.convertedInitializers).toHaveLength(34);
    expect(result.keptFloat32).toEqual([]);
    expect(float32Names(result.bytes).sort()).toEqual(['input', 'output', 'state', 'stateN']);
    expect(result.bytes.byteLength / float.byteLength).toBeLessThanOrEqual(0.55);
  });

  // Measured: max |Δp| 3.1e-4 over the 24 frames (onnxruntime-web 1.30 WASM in Node); 2e-3 leaves room.
  it('speech probabilities stay within 2e-3 of the float32 model, same frames called speech', async () => {
    const frames = sileroFrames();
    const want = await sileroProbabilities(float, frames);
    const got = await sileroProbabilities(result.bytes, frames);
    const diff = maxAbsDiff(got, want);
    console.log(
      `silero: ${float.byteLength} → ${result.bytes.byteLength} bytes, max |Δp| ${diff.toExponential(2)}`,
    );
    expect(diff).toBeLessThan(2e-3);
    expect(got.map((p) => p > 0.5)).toEqual(want.map((p) => p > 0.5));
  });

  it('passes the ONNX checker with full shape inference', () => {
    checkWithOnnx(result.bytes);
  });
});
