import { attribute } from '../onnx/attributes.js';
import { forEachGraph, subgraphsOf } from '../onnx/graph-walk.js';
import { DataType, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { toNumber } from '../onnx/tensor.js';

const BOOL_OUT = new Set([
  ...['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor'],
  ...['IsNaN', 'IsInf'],
]);
const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);
/** Ops whose output `i` has the type of their input `FROM_INPUT[op]` rather than input 0. */
const FROM_INPUT: Record<string, number> = { Where: 1, CastLike: 1 };

/**
 * Element types of every value in a model, as it was before conversion. Exporters rarely write
 * value_info for every value (Silero VAD writes none), so types not declared are worked out forward in
 * node order with the few rules that matter here: which values are float.
 */
export class ValueTypes {
  private readonly types = new Map<string, number>();

  constructor(root: GraphProto) {
    // Declared types first: they win over anything inferred.
    forEachGraph(root, ({ graph }) => {
      for (const list of [graph.input, graph.output, graph.valueInfo])
        for (const v of list ?? []) {
          const elem = v.type?.tensorType?.elemType;
          if (v.name && elem) this.types.set(v.name, elem);
        }
      for (const t of graph.initializer ?? []) if (t.name && t.dataType) this.types.set(t.name, t.dataType);
    });
    this.inferGraph(root);
  }

  of(name: string): number | undefined {
    return this.types.get(name);
  }

  isFloat(name: string): boolean {
    return this.types.get(name) === DataType.FLOAT;
  }

  private inferGraph(graph: GraphProto): void {
    for (const node of graph.node ?? []) {
      // Subgraphs first: an If's outputs take the types of its branch outputs.
      for (const sub of subgraphsOf(node)) this.inferGraph(sub);
      const outputs = node.output ?? [];
      outputs.forEach((name, i) => {
        if (!name || this.types.has(name)) return;
        const type = this.outputType(node, i);
        if (type) this.types.set(name, type);
      });
    }
  }

  private outputType(node: NodeProto, index: number): number | undefined {
    const op = node.opType ?? '';
    const inputs = node.input ?? [];
    if (node.domain && node.domain !== 'ai.onnx') return undefined;
    if (BOOL_OUT.has(op)) return DataType.BOOL;
    if (INT64_OUT.has(op) || (op === 'TopK' && index === 1)) return DataType.INT64;
    if (op === 'Cast') return toNumber(attribute(node, 'to')?.i);
    if (op === 'Constant') return constantType(node);
    if (op === 'ConstantOfShape') return attribute(node, 'value')?.t?.dataType ?? DataType.FLOAT;
    if (op === 'RandomNormal' || op === 'RandomUniform') {
      return toNumber(attribute(node, 'dtype')?.i) || DataType.FLOAT;
    }
    if (op === 'DequantizeLinear') return this.of(inputs[1] ?? '');
    if (op === 'QuantizeLinear') return inputs[2] ? this.of(inputs[2]) : DataType.UINT8;
    if (op === 'If') {
      const branch = attribute(node, 'then_branch')?.g;
      return branch?.output?.[index]?.type?.tensorType?.elemType ?? undefined;
    }
    if (op === 'Loop' || op === 'Scan') {
      // Loop body outputs start with the condition; Scan's line up with its outputs.
      const body = attribute(node, 'body')?.g;
      const offset = op === 'Loop' ? 1 : 0;
      return body?.output?.[index + offset]?.type?.tensorType?.elemType ?? undefined;
    }
    const dtype = toNumber(attribute(node, 'dtype')?.i);
    if (dtype) return dtype;
    // Everything else (elementwise, data movement, RNNs) keeps the type of its data input.
    const from = inputs[FROM_INPUT[op] ?? 0];
    return from ? this.of(from) : undefined;
  }
}

function constantType(node: NodeProto): number | undefined {
  for (const a of node.attribute ?? []) {
    if (a.name === 'value' || a.name === 'sparse_value')
      return a.t?.dataType ?? a.sparseTensor?.values?.dataType ?? undefined;
    if (a.name === 'value_float' || a.name === 'value_floats') return DataType.FLOAT;
    if (a.name === 'value_int' || a.name === 'value_ints') return DataType.INT64;
    if (a.name === 'value_string' || a.name === 'value_strings') return DataType.STRING;
  }
  return undefined;
}
