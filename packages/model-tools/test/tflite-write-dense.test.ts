import { describe, expect, it } from 'vitest';
import { ModelToolsError } from '../src/errors.js';
import { denseModelToTflite, inspectTflite, readTflite, type TfliteModel } from '../src/tflite/index.js';
import { TensorType } from '../src/tflite/schema.js';
import { randomDenseModel } from './support/random-dense-model.js';
import { seededRows } from './support/test-data.js';

function tensorNamed(model: TfliteModel, name: string) {
  const t = model.subgraphs[0]!.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`no tensor ${name}`);
  return t;
}

function constant(model: TfliteModel, name: string): Uint8Array {
  return model.buffers[tensorNamed(model, name).buffer]!.slice();
}

const iris = randomDenseModel([4, 16, 3], 7);
const mnist = randomDenseModel([784, 64, 10], 42);
const mnistCalibration = seededRows(64, 784, 3);
const parameters = 784 * 64 + 64 + 64 * 10 + 10;

describe('denseModelToTflite float32', () => {
  const bytes = denseModelToTflite(mnist, { quantization: 'float32' });

  it('round-trips through inspectTflite with a dynamic batch and the model names', () => {
    expect(inspectTflite(bytes)).toEqual({
      format: 'tflite',
      version: 3,
      description: 'edgewise-model-tools: random, float32',
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 784] }],
      outputs: [{ name: 'probabilities', dtype: 'float32', shape: [-1, 10] }],
      opHistogram: { FULLY_CONNECTED: 2, SOFTMAX: 1 },
      parameterCount: parameters,
      bytes: bytes.byteLength,
    });
  });

  it('carries the TFL3 identifier, an empty buffer 0 and a serving_default signature', () => {
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('TFL3');
    const model = readTflite(bytes);
    expect(model.buffers[0]!.length).toBe(0);
    expect(model.signatureKeys).toEqual(['serving_default']);
    expect(model.subgraphs).toHaveLength(1);
  });

  it('stores FC weights as [out][in], the transpose of DenseLayer', () => {
    const model = readTflite(bytes);
    const kernel = tensorNamed(model, 'dense_0/kernel');
    expect(kernel.shape).toEqual([64, 784]);
    const w = new Float32Array(constant(model, 'dense_0/kernel').buffer);
    const layer = mnist.layers[0]!;
    for (const [i, o] of [
      [0, 0],
      [5, 17],
      [783, 63],
    ] as const) {
      expect(w[o * 784 + i]).toBe(layer.weights[i * 64 + o]);
    }
  });

  it('fuses relu into the hidden FC and ends in SOFTMAX with beta 1', () => {
    const model = readTflite(bytes);
    const [fc0, fc1, softmax] = model.subgraphs[0]!.operators;
    expect(fc0!.fullyConnected).toEqual({
      fusedActivation: 1,
      keepNumDims: false,
      asymmetricQuantizeInputs: false,
    });
    expect(fc1!.fullyConnected?.fusedActivation).toBe(0);
    expect(softmax!.softmax).toEqual({ beta: 1 });
    expect(model.operatorCodes.map((c) => [c.name, c.version])).toEqual([
      ['FULLY_CONNECTED', 1],
      ['SOFTMAX', 1],
    ]);
  });

  it('aligns every buffer to 16 bytes, as schema.fbs asks', () => {
    const model = readTflite(bytes);
    for (const buffer of model.buffers.slice(1)) expect(buffer.byteOffset % 16).toBe(0);
  });

  it('names the output after the last FC when the model ends without softmax', () => {
    const noSoftmax = { ...iris, layers: iris.layers.map((l) => ({ ...l, activation: 'none' as const })) };
    const info = inspectTflite(denseModelToTflite(noSoftmax, { quantization: 'float32' }));
    expect(info.opHistogram).toEqual({ FULLY_CONNECTED: 2 });
    expect(info.outputs[0]!.name).toBe('probabilities');
  });
});

describe('denseModelToTflite hybrid-int8', () => {
  it('writes int8 weights per output channel, float bias, asymmetric input quantization', () => {
    const model = readTflite(denseModelToTflite(mnist, { quantization: 'hybrid-int8' }));
    const kernel = tensorNamed(model, 'dense_0/kernel');
    expect(kernel.type).toBe(TensorType.INT8);
    expect(kernel.quantization?.scale).toHaveLength(64);
    expect(kernel.quantization?.zeroPoint).toEqual(new Array(64).fill(0));
    expect(kernel.quantization?.quantizedDimension).toBe(0);
    expect(tensorNamed(model, 'dense_0/bias').type).toBe(TensorType.FLOAT32);
    const fcs = model.subgraphs[0]!.operators.filter((op) => op.fullyConnected);
    expect(fcs.every((op) => op.fullyConnected?.asymmetricQuantizeInputs)).toBe(true);
    expect(model.operatorCodes[0]).toMatchObject({ name: 'FULLY_CONNECTED', version: 12 });
    // Symmetric: the largest weight of each row maps to ±127.
    const q = new Int8Array(constant(model, 'dense_0/kernel').buffer);
    const row = Array.from(q.subarray(0, 784), Math.abs);
    expect(Math.max(...row)).toBe(127);
  });

  it('writes one weight scale per tensor when perChannel is false', () => {
    const model = readTflite(denseModelToTflite(mnist, { quantization: 'hybrid-int8', perChannel: false }));
    expect(tensorNamed(model, 'dense_0/kernel').quantization?.scale).toHaveLength(1);
    expect(model.operatorCodes[0]).toMatchObject({ name: 'FULLY_CONNECTED', version: 9 });
  });

  it('is about a quarter of the float32 file', () => {
    const fp32 = denseModelToTflite(mnist, { quantization: 'float32' }).byteLength;
    const hybrid = denseModelToTflite(mnist, { quantization: 'hybrid-int8' }).byteLength;
    expect(hybrid / fp32).toBeGreaterThan(0.25);
    expect(hybrid / fp32).toBeLessThan(0.27);
  });
});

describe('denseModelToTflite int8', () => {
  const bytes = denseModelToTflite(mnist, { quantization: 'int8', calibration: mnistCalibration });
  const model = readTflite(bytes);

  it('wraps int8 FC and SOFTMAX between QUANTIZE and DEQUANTIZE, keeping float I/O', () => {
    const info = inspectTflite(bytes);
    expect(info.opHistogram).toEqual({ QUANTIZE: 1, FULLY_CONNECTED: 2, SOFTMAX: 1, DEQUANTIZE: 1 });
    expect(info.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [-1, 784] }]);
    expect(info.outputs).toEqual([{ name: 'probabilities', dtype: 'float32', shape: [-1, 10] }]);
    expect(info.parameterCount).toBe(parameters);
    expect(model.operatorCodes.map((c) => c.name)).toEqual([
      'QUANTIZE',
      'FULLY_CONNECTED',
      'SOFTMAX',
      'DEQUANTIZE',
    ]);
  });

  it('quantizes the input over the calibration range, zero included', () => {
    const q = tensorNamed(model, 'input/int8').quantization!;
    let max = 0;
    for (const row of mnistCalibration) for (const v of row) max = Math.max(max, v);
    expect(q.scale[0]).toBeCloseTo(max / 255, 6);
    expect(q.zeroPoint).toEqual([-128]);
  });

  it('gives each int32 bias the scale input_scale × weight_scale, zero point 0', () => {
    const input = tensorNamed(model, 'input/int8').quantization!.scale[0]!;
    const weights = tensorNamed(model, 'dense_0/kernel').quantization!.scale;
    const bias = tensorNamed(model, 'dense_0/bias');
    expect(bias.type).toBe(TensorType.INT32);
    expect(bias.quantization!.zeroPoint.every((z) => z === 0)).toBe(true);
    bias.quantization!.scale.forEach((s, o) => {
      expect(s).toBeCloseTo(Math.fround(input * weights[o]!), 12);
    });
    const values = new Int32Array(constant(model, 'dense_0/bias').buffer);
    const expected = mnist.layers[0]!.bias[5]! / bias.quantization!.scale[5]!;
    expect(Math.abs(values[5]! - expected)).toBeLessThanOrEqual(0.5 + 1e-3);
  });

  it('gives SOFTMAX the output scale 1/256 and zero point -128 TFLite requires', () => {
    const q = tensorNamed(model, 'dense_1/softmax').quantization!;
    expect(q.scale).toEqual([1 / 256]);
    expect(q.zeroPoint).toEqual([-128]);
    const relu = tensorNamed(model, 'dense_0/output').quantization!;
    expect(relu.zeroPoint).toEqual([-128]);
  });

  it('refuses to run without calibration, saying what to pass', () => {
    const attempt = () => denseModelToTflite(iris, { quantization: 'int8' });
    expect(attempt).toThrow(ModelToolsError);
    expect(attempt).toThrow(/needs calibration.*representative input rows/);
    expect(() => denseModelToTflite(iris, { quantization: 'int8', calibration: [] })).toThrow(
      /needs calibration/,
    );
  });

  it('refuses calibration rows of the wrong width', () => {
    expect(() =>
      denseModelToTflite(iris, { quantization: 'int8', calibration: [new Float32Array(5)] }),
    ).toThrow(/calibration row 0 has 5 values; the model takes 4/);
  });
});

describe('denseModelToTflite checks', () => {
  it('refuses layers whose sizes do not chain, with BAD_ARGUMENT', () => {
    const broken = { ...iris, layers: [iris.layers[0]!, { ...iris.layers[1]!, inputSize: 15 }] };
    expect(() => denseModelToTflite(broken, { quantization: 'float32' })).toThrow(/weights, expected/);
    const empty = { ...iris, layers: [] };
    try {
      denseModelToTflite(empty, { quantization: 'float32' });
      expect.unreachable();
    } catch (error) {
      expect((error as ModelToolsError).code).toBe('BAD_ARGUMENT');
    }
  });

  it('is deterministic: the same model gives the same bytes', () => {
    const a = denseModelToTflite(iris, { quantization: 'int8', calibration: seededRows(16, 4, 1, -2, 2) });
    const b = denseModelToTflite(iris, { quantization: 'int8', calibration: seededRows(16, 4, 1, -2, 2) });
    expect(a).toEqual(b);
  });
});
