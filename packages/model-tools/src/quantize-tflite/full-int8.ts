import { ModelToolsError } from '../errors.js';
import { builtinOperatorName } from '../tflite/op-names.js';
import {
  addBuffer,
  addTensor,
  type GraphOperator,
  type GraphSubgraph,
  isConstant,
  type TfliteGraph,
} from '../tflite/rewrite/graph.js';
import { constantFloats, int8Bytes, int32Bytes } from '../tflite/rewrite/tensor-data.js';
import { TensorType } from '../tflite/schema.js';
import type { TensorRanges } from './calibrate.js';
import { INT8_OPS, Op, WEIGHTED_OPS } from './ops.js';
import {
  type ActivationParams,
  activationParams,
  quantizeAffine,
  quantizeBias,
  quantizeSymmetric,
} from './weights.js';

function plainOp(code: number, version: number, input: number, output: number): GraphOperator {
  return {
    code: { builtinCode: code, version },
    inputs: [input],
    outputs: [output],
    builtinOptionsType: 0,
    customOptionsFormat: 0,
  };
}

/** Refuses a graph with an op the int8 path has no rules for, naming all of them at once. */
function checkOps(graph: TfliteGraph): void {
  if (graph.subgraphs.length !== 1) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `full int8 quantization handles one-subgraph models; this one has ${graph.subgraphs.length} (control flow); use mode 'dynamic-int8'`,
    );
  }
  const unknown = new Set(
    graph.subgraphs[0]!.operators.filter((op) => !INT8_OPS[op.code.builtinCode]).map(
      (op) => op.code.customCode ?? builtinOperatorName(op.code.builtinCode),
    ),
  );
  if (unknown.size > 0) {
    const known = Object.keys(INT8_OPS).map((c) => builtinOperatorName(Number(c)));
    throw new ModelToolsError(
      'UNSUPPORTED',
      `full int8 quantization has no rules for ${[...unknown].join(', ')}; it covers ${known.join(', ')}. Use mode 'dynamic-int8' for this model`,
    );
  }
}

/** Float graph inputs get a QUANTIZE after them and float outputs a DEQUANTIZE before them, so callers keep feeding and reading float32. */
function wrapInputsAndOutputs(s: GraphSubgraph, ranges: TensorRanges): void {
  const head: GraphOperator[] = [];
  for (const input of s.inputs) {
    const t = s.tensors[input]!;
    if (t.type !== TensorType.FLOAT32) continue;
    const q = addTensor(s, { ...t, name: `${t.name}_int8`, buffer: 0, quantization: undefined });
    ranges.set(q, ranges.get(input)!);
    for (const op of s.operators) op.inputs = op.inputs.map((i) => (i === input ? q : i));
    head.push(plainOp(Op.QUANTIZE, 1, input, q));
  }
  const tail: GraphOperator[] = [];
  for (const output of s.outputs) {
    const t = s.tensors[output]!;
    if (t.type !== TensorType.FLOAT32) continue;
    const q = addTensor(s, { ...t, name: `${t.name}_int8`, buffer: 0, quantization: undefined });
    ranges.set(q, ranges.get(output)!);
    for (const op of s.operators) op.outputs = op.outputs.map((o) => (o === output ? q : o));
    for (const op of s.operators) op.inputs = op.inputs.map((i) => (i === output ? q : i));
    tail.push(plainOp(Op.DEQUANTIZE, 2, q, output));
  }
  s.operators = [...head, ...s.operators, ...tail];
}

/** Tensors whose int8 parameters must be equal (pool, pad, reshape, concat in → out), as union-find roots. */
function shareGroups(s: GraphSubgraph): (t: number) => number {
  const parent = s.tensors.map((_, i) => i);
  const find = (t: number): number => {
    let r = t;
    while (parent[r] !== r) r = parent[r]!;
    return r;
  };
  for (const op of s.operators) {
    const rule = INT8_OPS[op.code.builtinCode]?.sameAsOutput;
    if (!rule) continue;
    const tied = rule === 'all' ? op.inputs : rule.map((k) => op.inputs[k]!);
    for (const t of tied) if (t >= 0) parent[find(t)] = find(op.outputs[0]!);
  }
  return find;
}

/**
 * Full-integer int8: per-channel symmetric weights, int32 biases, and every float activation int8
 * per-tensor from its calibrated range, with the kernels' constraints honoured (shared parameters
 * through pool/pad/reshape/concat, fixed 1/256 output for LOGISTIC and SOFTMAX). Input and output
 * stay float32 behind QUANTIZE/DEQUANTIZE, like the converter's default inference_input_type.
 * Returns how many weight tensors became int8.
 */
export function quantizeFullInt8(graph: TfliteGraph, ranges: TensorRanges): number {
  checkOps(graph);
  const s = graph.subgraphs[0]!;
  const keepFloat = new Set(
    [...s.inputs, ...s.outputs].filter((i) => s.tensors[i]!.type === TensorType.FLOAT32),
  );
  wrapInputsAndOutputs(s, ranges);
  const root = shareGroups(s);

  // Weights and biases take their own scales, not an activation range.
  const roles = new Map<number, 'weight' | 'bias'>();
  for (const op of s.operators) {
    const info = WEIGHTED_OPS[op.code.builtinCode];
    if (!info) continue;
    roles.set(op.inputs[info.weightInput]!, 'weight');
    const b = op.inputs[info.biasInput];
    if (b !== undefined && b >= 0) roles.set(b, 'bias');
  }
  const floatTensors = s.tensors
    .map((t, i) => ({ t, i }))
    .filter(({ t, i }) => t.type === TensorType.FLOAT32 && !keepFloat.has(i) && !roles.has(i));

  const groupRange = new Map<number, { min: number; max: number }>();
  const groupFixed = new Map<number, { scale: number; zeroPoint: number }>();
  for (const { t, i } of floatTensors) {
    let range = ranges.get(i);
    if (isConstant(graph, t)) {
      const v = constantFloats(graph, t);
      range = { min: Math.min(...v), max: Math.max(...v) };
    }
    if (!range) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `tensor "${t.name}" was never computed during calibration; pass calibration samples that run the whole model`,
      );
    }
    const g = groupRange.get(root(i));
    groupRange.set(root(i), g ? { min: Math.min(g.min, range.min), max: Math.max(g.max, range.max) } : range);
  }
  for (const op of s.operators) {
    const fixed = INT8_OPS[op.code.builtinCode]?.fixedOutput;
    if (fixed) groupFixed.set(root(op.outputs[0]!), fixed);
  }
  const params = (i: number): ActivationParams => {
    const fixed = groupFixed.get(root(i));
    if (fixed)
      return {
        ...fixed,
        min: fixed.scale * (-128 - fixed.zeroPoint),
        max: fixed.scale * (127 - fixed.zeroPoint),
      };
    const r = groupRange.get(root(i))!;
    return activationParams(r.min, r.max);
  };

  for (const { t, i } of floatTensors) {
    const p = params(i);
    if (isConstant(graph, t))
      t.buffer = addBuffer(graph, int8Bytes(quantizeAffine(constantFloats(graph, t), p)));
    t.type = TensorType.INT8;
    t.quantization = {
      scale: [p.scale],
      zeroPoint: [p.zeroPoint],
      quantizedDimension: 0,
      min: [p.min],
      max: [p.max],
    };
  }

  let weights = 0;
  for (const op of s.operators) {
    const info = WEIGHTED_OPS[op.code.builtinCode];
    if (info) {
      const wt = s.tensors[op.inputs[info.weightInput]!]!;
      if (wt.type !== TensorType.FLOAT32 || !isConstant(graph, wt)) {
        throw new ModelToolsError(
          'UNSUPPORTED',
          `${builtinOperatorName(op.code.builtinCode)} weight "${wt.name}" is not a float constant of its own; full int8 needs constant, unshared weights`,
        );
      }
      const q = quantizeSymmetric(constantFloats(graph, wt), wt.shape, info.channelAxis);
      wt.type = TensorType.INT8;
      wt.buffer = addBuffer(graph, int8Bytes(q.values));
      wt.quantization = {
        scale: q.scales,
        zeroPoint: q.scales.map(() => 0),
        quantizedDimension: info.channelAxis ?? 0,
      };
      weights++;
      const b = op.inputs[info.biasInput];
      if (b !== undefined && b >= 0) {
        const bt = s.tensors[b]!;
        const inputScale = params(op.inputs[0]!).scale;
        const values = quantizeBias(constantFloats(graph, bt), inputScale, q.scales);
        bt.type = TensorType.INT32;
        bt.buffer = addBuffer(graph, int32Bytes(values));
        bt.quantization = {
          scale: q.scales.map((w) => inputScale * w),
          zeroPoint: q.scales.map(() => 0),
          quantizedDimension: 0,
        };
      }
    }
    const rule = INT8_OPS[op.code.builtinCode];
    if (rule) op.code = { ...op.code, version: Math.max(op.code.version, rule.int8Version) };
  }
  return weights;
}
