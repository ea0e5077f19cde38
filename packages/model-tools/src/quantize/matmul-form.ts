import { floatAttribute, intAttribute } from '../onnx/attributes.js';
import type { ConstantIndex } from '../onnx/constants.js';
import { DataType } from '../onnx/proto.js';
import { readFloatTensor, tensorDims } from '../onnx/tensor.js';
import type { WeightSite } from '../onnx/weight-sites.js';

/** What is added after the matrix product: nothing, an existing tensor, or a constant scaled by beta. */
export type BiasTerm =
  | { kind: 'none' }
  | { kind: 'tensor'; name: string }
  | { kind: 'constant'; name: string; values: Float32Array; dims: number[] };

/** A MatMul or Gemm seen as y = x · W + bias, with W float [K, N] row-major. */
export interface MatMulForm {
  k: number;
  n: number;
  weights: Float32Array;
  bias: BiasTerm;
  /** True when W is not the stored tensor as is (Gemm transB or alpha folded in). */
  transformed: boolean;
}

const f = Math.fround;

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/**
 * Gemm(A, B, C; alpha, beta, transB) becomes A · W + bias with W = alpha·Bᵀ? and bias = beta·C, so one
 * integer MatMul path serves both ops. Returns a reason instead when that is not possible.
 */
export function matMulForm(site: WeightSite, constants: ConstantIndex): MatMulForm | string {
  const [rows, cols] = site.dims as [number, number];
  if (site.op === 'MatMul')
    return { k: rows, n: cols, weights: site.values, bias: { kind: 'none' }, transformed: false };
  const transB = intAttribute(site.node, 'transB', 0) !== 0;
  const alpha = floatAttribute(site.node, 'alpha', 1);
  const beta = floatAttribute(site.node, 'beta', 1);
  let weights = transB ? transpose(site.values, rows, cols) : site.values;
  if (alpha !== 1) weights = weights.map((w) => f(w * alpha));
  const [k, n] = transB ? [cols, rows] : [rows, cols];
  const transformed = transB || alpha !== 1;
  const cName = site.node.input?.[2];
  if (!cName || beta === 0) return { k, n, weights, bias: { kind: 'none' }, transformed };
  if (beta === 1) return { k, n, weights, bias: { kind: 'tensor', name: cName }, transformed };
  const c = constants.find(site.scope, cName);
  if (!c) return `its C input "${cName}" is computed at run time and beta is ${beta}`;
  if (c.tensor.dataType !== DataType.FLOAT) return `its C input "${cName}" is not float32`;
  const values = readFloatTensor(c.tensor).map((v) => f(v * beta));
  return {
    k,
    n,
    weights,
    bias: { kind: 'constant', name: cName, values, dims: tensorDims(c.tensor) },
    transformed,
  };
}
