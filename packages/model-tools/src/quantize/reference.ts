import type { DenseLayer, DenseModel } from '../dense-model.js';
import type { ValueRange } from './calibrate.js';
import { dequantizeInt4Blocks, int4NeedsSymmetric, quantizeInt4Blocks } from './int4-blocks.js';
import {
  dequantizeInt8,
  dynamicQuantizeLinear,
  quantizeInt8Symmetric,
  quantizeToUint8,
  uint8Params,
} from './quant-math.js';

/**
 * Plain-JS references for the arithmetic each quantized DenseModel graph performs, written from the
 * operator definitions, so a test can check onnxruntime ran exactly what the quantizer meant.
 */
export type ReferenceMode = 'fp32' | 'dynamic-int8' | 'qdq-int8' | 'int4';

export interface ReferenceOptions {
  /** dynamic-int8, qdq-int8: per-output-column weight scales. */
  perChannel?: boolean;
  /** int4: block size along K (default 32) and symmetric blocks (default false). */
  blockSize?: number;
  symmetric?: boolean;
  /** qdq-int8: the calibrated range of each layer's input, in layer order; absent means weight-only. */
  activationRanges?: readonly ValueRange[];
  /** Layer indices the quantizer left in float (e.g. the classifier head, via excludeNodes). */
  floatLayers?: readonly number[];
}

const f = Math.fround;

/** x [batch, in] · W [in, out] in float64, rounded to float32 per output. */
function matmul(
  x: Float32Array,
  w: Float32Array,
  batch: number,
  inSize: number,
  outSize: number,
): Float32Array {
  const y = new Float32Array(batch * outSize);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      for (let i = 0; i < inSize; i++) sum += x[b * inSize + i]! * w[i * outSize + o]!;
      y[b * outSize + o] = sum;
    }
  }
  return y;
}

/** DynamicQuantizeLinear, MatMulInteger, Cast, Mul(x_scale · w_scale), Mul: each step in float32 as ORT does. */
function dynamicInt8Layer(
  x: Float32Array,
  layer: DenseLayer,
  batch: number,
  perChannel: boolean,
): Float32Array {
  const { inputSize: k, outputSize: n } = layer;
  const xq = dynamicQuantizeLinear(x);
  const w = quantizeInt8Symmetric(layer.weights, [k, n], perChannel ? 1 : undefined);
  const y = new Float32Array(batch * n);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < n; o++) {
      let acc = 0;
      for (let i = 0; i < k; i++) acc += (xq.quantized[b * k + i]! - xq.zeroPoint) * w.quantized[i * n + o]!;
      const scale = f(xq.scale * w.scales[perChannel ? o : 0]!);
      y[b * n + o] = f(f(acc) * scale);
    }
  }
  return y;
}

/** QuantizeLinear → DequantizeLinear on the input (when calibrated), DequantizeLinear on the weight, MatMul. */
function qdqLayer(
  x: Float32Array,
  layer: DenseLayer,
  batch: number,
  perChannel: boolean,
  range: ValueRange | undefined,
): Float32Array {
  const { inputSize: k, outputSize: n } = layer;
  let input = x;
  if (range) {
    const params = uint8Params(range.min, range.max);
    input = Float32Array.from(quantizeToUint8(x, params), (q) => f((q - params.zeroPoint) * params.scale));
  }
  const w = dequantizeInt8(quantizeInt8Symmetric(layer.weights, [k, n], perChannel ? 1 : undefined), [k, n]);
  return matmul(input, w, batch, k, n);
}

function activate(y: Float32Array, layer: DenseLayer, batch: number): Float32Array {
  const n = layer.outputSize;
  for (let i = 0; i < y.length; i++) y[i] = f(y[i]! + layer.bias[i % n]!);
  if (layer.activation === 'relu') return y.map((v) => Math.max(v, 0));
  if (layer.activation !== 'softmax') return y;
  for (let b = 0; b < batch; b++) {
    const row = y.subarray(b * n, (b + 1) * n);
    const max = Math.max(...row);
    const exps = Array.from(row, (v) => Math.exp(v - max));
    const total = exps.reduce((s, e) => s + e, 0);
    row.set(exps.map((e) => e / total));
  }
  return y;
}

/**
 * Runs a DenseModel on `input` (float32 [batch, inputSize], row-major) the way its ONNX graph does after
 * the given quantization.
 *
 * @example
 * const expected = runDenseReference(model, x, 8, 'dynamic-int8', { perChannel: true });
 */
export function runDenseReference(
  model: DenseModel,
  input: Float32Array,
  batch: number,
  mode: ReferenceMode,
  options: ReferenceOptions = {},
): Float32Array {
  let x = input;
  model.layers.forEach((layer, index) => {
    const { inputSize: k, outputSize: n } = layer;
    let y: Float32Array;
    if (mode === 'fp32' || options.floatLayers?.includes(index)) y = matmul(x, layer.weights, batch, k, n);
    else if (mode === 'dynamic-int8') y = dynamicInt8Layer(x, layer, batch, options.perChannel === true);
    else if (mode === 'qdq-int8')
      y = qdqLayer(x, layer, batch, options.perChannel === true, options.activationRanges?.[index]);
    else if (mode === 'int4') {
      const blockSize = options.blockSize ?? 32;
      const symmetric = options.symmetric === true || int4NeedsSymmetric(k, n, blockSize);
      const blocks = quantizeInt4Blocks(layer.weights, k, n, blockSize, symmetric);
      y = matmul(x, dequantizeInt4Blocks(blocks), batch, k, n);
    } else throw new Error(`unknown reference mode ${mode}`);
    x = activate(y, layer, batch);
  });
  return x;
}
