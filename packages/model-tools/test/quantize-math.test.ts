import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { encodeOnnx } from '../src/onnx/codec.js';
import { DataType } from '../src/onnx/proto.js';
import { runOnnx } from '../src/onnx/run-onnx.js';
import { polynomialSchedule } from '../src/prune/schedule.js';
import { dequantizeInt4Blocks, quantizeInt4Blocks } from '../src/quantize/int4-blocks.js';
import {
  dynamicQuantizeLinear,
  quantizeInt8Symmetric,
  roundHalfToEven,
  uint8Params,
} from '../src/quantize/quant-math.js';

function dynamicQuantizeLinearModel(length: number): Uint8Array {
  const tensor = (name: string, elemType: number, dims: number[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  });
  return encodeOnnx({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'dql',
      node: [{ opType: 'DynamicQuantizeLinear', input: ['x'], output: ['y', 'scale', 'zp'] }],
      input: [tensor('x', DataType.FLOAT, [length])],
      output: [
        tensor('y', DataType.UINT8, [length]),
        tensor('scale', DataType.FLOAT, []),
        tensor('zp', DataType.UINT8, []),
      ],
    },
  });
}

describe('quantization arithmetic', () => {
  it('rounds half to even, like std::nearbyint', () => {
    expect([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfToEven)).toEqual([
      -2, -2, -0, 0, 2, 2, 2, 3,
    ]);
  });

  it('takes the uint8 range from min(0, min) to max(0, max)', () => {
    // 1 / fround(2/255) is 127.49999 in float32, so the zero point rounds to 127, as in onnxruntime.
    expect(uint8Params(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 127 });
    expect(uint8Params(0.5, 2)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 0 });
    expect(uint8Params(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('matches onnxruntime DynamicQuantizeLinear bit for bit, ties included', async () => {
    const cases = [
      Float32Array.from({ length: 257 }, (_, i) => Math.sin(i * 12.9898) * 3 - 0.5),
      // Values that land exactly on .5 steps of the scale.
      Float32Array.from({ length: 256 }, (_, i) => (i - 100) * (2 / 255) * 0.5),
      Float32Array.from({ length: 64 }, (_, i) => i * 0.01 + 0.2),
    ];
    for (const x of cases) {
      const out = await runOnnx(dynamicQuantizeLinearModel(x.length), {
        x: new ort.Tensor('float32', x, [x.length]),
      });
      const mine = dynamicQuantizeLinear(x);
      expect((out.scale!.data as Float32Array)[0]).toBe(mine.scale);
      expect((out.zp!.data as Uint8Array)[0]).toBe(mine.zeroPoint);
      expect(Array.from(out.y!.data as Uint8Array)).toEqual(Array.from(mine.quantized));
    }
  });

  it('quantizes weights symmetrically to ±127, per tensor or per output column', () => {
    const w = Float32Array.of(1, -0.5, 0.25, -2, 0.1, 0);
    const perTensor = quantizeInt8Symmetric(w, [3, 2]);
    expect(perTensor.scales).toEqual(Float32Array.of(Math.fround(2 / 127)));
    expect(Math.min(...perTensor.quantized)).toBe(-127);
    const perColumn = quantizeInt8Symmetric(w, [3, 2], 1);
    expect(perColumn.scales).toEqual(Float32Array.of(Math.fround(1 / 127), Math.fround(2 / 127)));
    expect(Array.from(perColumn.quantized)).toEqual([127, -32, 32, -127, 13, 0]);
  });

  it('packs 4-bit blocks column-major with the low nibble first and pads K to whole blocks', () => {
    const k = 20;
    const n = 2;
    const b = Float32Array.from({ length: k * n }, (_, i) => (i % 7) - 3);
    const blocks = quantizeInt4Blocks(b, k, n, 16, false);
    expect(blocks.nBlocks).toBe(2);
    expect(blocks.packed.length).toBe(n * 2 * 8);
    expect(blocks.zeroPoints?.length).toBe(n * 1);
    const back = dequantizeInt4Blocks(blocks);
    const worst = back.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(Math.max(...blocks.scales) / 2 + 1e-6);
  });
});

describe('polynomialSchedule (Zhu & Gupta 2017)', () => {
  it('ramps from 0 to the final sparsity, fast first', () => {
    const steps = polynomialSchedule(0.8, 4);
    expect(steps.map((s) => Number(s.toFixed(4)))).toEqual([0.4625, 0.7, 0.7875, 0.8]);
  });
});
