import { ModelToolsError } from '../errors.js';
import { attribute, intAttr } from '../onnx/attributes.js';
import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import { forEachGraph, forEachNode, nodeLabel, subgraphsOf } from '../onnx/graph-walk.js';
import { NameAllocator } from '../onnx/names.js';
import { AttributeType, DataType, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { toNumber } from '../onnx/tensor.js';
import { keepFloat32Io } from './float16-io.js';
import { FLOAT32_INPUTS, float32Reason } from './float16-ops.js';
import { convertTensor, float16Zero, retypeValueInfo } from './float16-tensors.js';
import { ValueTypes } from './float16-types.js';

export interface Float16Options {
  /** Node names to leave in float32, with Casts around them (e.g. one that overflows in float16). */
  keepNodes?: readonly string[];
  /**
   * Keep the graph's float32 inputs and outputs float32, casting at the edges, so callers feed and read
   * float32 as before. Default true (onnxconverter-common's keep_io_types).
   */
  keepIoTypes?: boolean;
}

export interface KeptFloat32 {
  name: string;
  reason: string;
}

export interface Float16Summary {
  bytes: Uint8Array;
  /** Initializers and Constant node values now stored as float16. */
  convertedInitializers: string[];
  /** Nodes that still run in float32, between Casts, and why. */
  keptFloat32: KeptFloat32[];
  /** Finite values beyond ±65504 that were clamped to it. */
  clampedValues: number;
  notes: string[];
}

/** Float32 constants that nothing reads at a float16 position: converting them would only add Casts. */
function float32OnlyConstants(root: GraphProto, kept: Map<NodeProto, string>, types: ValueTypes) {
  const constants = new Set<string>();
  const fp16Reads = new Set<string>();
  forEachGraph(root, ({ graph }) => {
    for (const t of graph.initializer ?? [])
      if (t.name && t.dataType === DataType.FLOAT) constants.add(t.name);
    for (const output of graph.output ?? []) if (output.name) fp16Reads.add(output.name);
  });
  forEachNode(root, (node) => {
    const op = node.opType ?? '';
    if (op === 'Constant' && types.isFloat(node.output?.[0] ?? '')) constants.add(node.output![0]!);
    // A Cast reads any type, so a constant read only by Casts (a float shape cast to int64) keeps its precision.
    if (kept.has(node) || (op === 'Cast' && !node.domain)) return;
    (node.input ?? []).forEach((name, i) => {
      if (!FLOAT32_INPUTS[op]?.includes(i)) fp16Reads.add(name);
    });
  });
  return new Set([...constants].filter((name) => !fp16Reads.has(name)));
}

/**
 * Rewrites the element type an op writes: Cast's `to`, ConstantOfShape's value. (The Random ops, which
 * also name a dtype, stay float32: see float16-ops.ts.)
 */
function retypeNode(node: NodeProto, types: ValueTypes): number {
  const op = node.opType ?? '';
  if (op === 'Cast') {
    const to = attribute(node, 'to');
    if (to && toNumber(to.i) === DataType.FLOAT) to.i = DataType.FLOAT16;
    return 0;
  }
  if (op === 'ConstantOfShape' && types.isFloat(node.output?.[0] ?? '')) {
    const value = attribute(node, 'value');
    // Without a value ConstantOfShape writes float32 zeros; spell out a float16 zero instead.
    if (!value?.t) {
      node.attribute = [
        ...(node.attribute ?? []),
        { name: 'value', type: AttributeType.TENSOR, t: float16Zero() },
      ];
      return 0;
    }
    return convertTensor(value.t);
  }
  return 0;
}

function convertConstantNode(node: NodeProto): number {
  const value = attribute(node, 'value');
  if (value?.t) return convertTensor(value.t);
  if (attribute(node, 'sparse_value')) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `Constant "${nodeLabel(node)}" holds a sparse float32 tensor; densify it (onnx.numpy_helper) before converting to float16`,
    );
  }
  const scalar = attribute(node, 'value_float');
  const list = attribute(node, 'value_floats');
  const values = scalar ? [scalar.f ?? 0] : [...(list?.floats ?? [])];
  const dims = scalar ? [] : [values.length];
  const t = { dims, dataType: DataType.FLOAT, floatData: values };
  const clamped = convertTensor(t);
  node.attribute = [{ name: 'value', type: AttributeType.TENSOR, t }];
  return clamped;
}

/**
 * Converts a float32 ONNX model to float16 the way onnxconverter-common's
 * `convert_float_to_float16(keep_io_types=True)` does: float32 initializers, Constant values and
 * value types become float16; ops not known to be safe in float16 stay float32 between Casts; graph
 * inputs and outputs stay float32 (see Float16Options.keepIoTypes). Subgraphs (If, Loop) are converted too.
 *
 * @example
 * const { bytes, keptFloat32 } = convertFloat16(modelBytes);
 */
export function convertFloat16(bytes: Uint8Array, options: Float16Options = {}): Float16Summary {
  const model = decodeOnnx(bytes);
  const root = model.graph!;
  const keepIo = options.keepIoTypes ?? true;
  const types = new ValueTypes(root);
  const names = new NameAllocator(root);
  const keepNodes = new Set(options.keepNodes ?? []);
  const kept = new Map<NodeProto, string>();
  const seen = new Set<string>();
  forEachNode(root, (node) => {
    if (node.name) seen.add(node.name);
    const reason = float32Reason(node, keepNodes);
    if (!reason) return;
    if (subgraphsOf(node).length > 0) {
      throw new ModelToolsError(
        'BAD_ARGUMENT',
        `node "${nodeLabel(node)}" carries subgraphs and cannot stay float32 as a whole; keep the nodes inside it instead`,
      );
    }
    kept.set(node, reason);
  });
  const unknown = [...keepNodes].filter((n) => !seen.has(n));
  if (unknown.length > 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `no node named ${unknown.map((n) => `"${n}"`).join(', ')} to keep in float32; check the names with \`edgewise-models inspect\``,
    );
  }
  const fp32Constants = float32OnlyConstants(root, kept, types);
  const converted: string[] = [];
  const keptFloat32: KeptFloat32[] = [];
  const casts32 = new Set<NodeProto>();
  let clampedValues = 0;
  const cast = (from: string, to: string, type: number): NodeProto => ({
    name: names.unique(`${to}_Cast`),
    opType: 'Cast',
    input: [from],
    output: [to],
    attribute: [intAttr('to', type)],
  });

  forEachGraph(root, ({ graph }) => {
    for (const t of graph.initializer ?? []) {
      if (t.dataType !== DataType.FLOAT || fp32Constants.has(t.name ?? '')) continue;
      clampedValues += convertTensor(t);
      converted.push(t.name ?? '');
    }
    const out: NodeProto[] = [];
    const fp32Copies = new Map<string, string>();
    const toFloat32 = (name: string): string => {
      if (!types.isFloat(name) || fp32Constants.has(name)) return name;
      let copy = fp32Copies.get(name);
      if (!copy) {
        copy = names.unique(`${name}_fp32`);
        const node = cast(name, copy, DataType.FLOAT);
        casts32.add(node);
        out.push(node);
        fp32Copies.set(name, copy);
      }
      return copy;
    };
    for (const node of graph.node ?? []) {
      const reason = kept.get(node);
      const inputs = node.input ?? [];
      if (reason === undefined) {
        if (node.opType === 'Constant' && !node.domain) {
          const name = node.output?.[0] ?? '';
          if (types.isFloat(name) && !fp32Constants.has(name)) {
            clampedValues += convertConstantNode(node);
            converted.push(name);
          }
        } else clampedValues += retypeNode(node, types);
        for (const i of FLOAT32_INPUTS[node.opType ?? ''] ?? [])
          if (inputs[i]) inputs[i] = toFloat32(inputs[i]);
        out.push(node);
        continue;
      }
      keptFloat32.push({ name: nodeLabel(node), reason });
      node.input = inputs.map((name) => (name ? toFloat32(name) : name));
      const after: NodeProto[] = [];
      node.output = (node.output ?? []).map((name) => {
        if (!name || !types.isFloat(name)) return name;
        const fp32 = names.unique(`${name}_fp32`);
        after.push(cast(fp32, name, DataType.FLOAT16));
        return fp32;
      });
      out.push(node, ...after);
    }
    graph.node = out;
  });

  const ioNames = keepIo ? keepFloat32Io(root, names, casts32, cast) : new Set<string>();
  forEachGraph(root, ({ graph }) => {
    for (const list of [graph.input, graph.output, graph.valueInfo]) {
      for (const v of list ?? []) {
        const name = v.name ?? '';
        if (fp32Constants.has(name) || (graph === root && ioNames.has(name))) continue;
        retypeValueInfo(v);
      }
    }
  });
  const notes: string[] = [];
  if (clampedValues > 0)
    notes.push(`${clampedValues} value(s) beyond ±65504 were clamped to the largest float16`);
  return { bytes: encodeOnnx(model), convertedInitializers: converted, keptFloat32, clampedValues, notes };
}
