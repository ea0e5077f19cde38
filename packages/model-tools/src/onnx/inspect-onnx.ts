import { decodeOnnx } from './codec.js';
import { forEachGraph } from './graph-walk.js';
import type { TensorProto, ValueInfoProto } from './proto.js';
import { dtypeName, elementCount, tensorByteLength, tensorDims, toNumber } from './tensor.js';

export interface OnnxTensorInfo {
  name: string;
  dtype: string;
  /** Fixed sizes as numbers, symbolic ones by name, unknown ones as -1. */
  shape: (number | string)[];
}

export interface OnnxModelInfo {
  format: 'onnx';
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
  /** Nodes per op type, counting nodes inside If/Loop/Scan bodies; ops outside ai.onnx as "domain.Op". */
  opHistogram: Record<string, number>;
  /** Elements of every stored tensor: initializers and Constant node values, in all graphs. */
  parameterCount: number;
  /** Size of the file. */
  bytes: number;
  /** Bytes the stored tensors take. */
  initializerBytes: number;
}

function tensorInfo(value: ValueInfoProto): OnnxTensorInfo {
  const tensorType = value.type?.tensorType;
  const dims = tensorType?.shape?.dim ?? [];
  return {
    name: value.name ?? '',
    dtype: tensorType ? dtypeName(tensorType.elemType) : 'non-tensor',
    shape: dims.map((d) =>
      d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : -1,
    ),
  };
}

/**
 * Describes an ONNX model: its interface, ops (subgraphs included), parameter count and sizes.
 *
 * @example
 * const info = inspectOnnx(bytes);
 * console.log(info.inputs, info.opHistogram);
 */
export function inspectOnnx(bytes: Uint8Array): OnnxModelInfo {
  const model = decodeOnnx(bytes);
  const root = model.graph!;
  const opHistogram: Record<string, number> = {};
  const stored: TensorProto[] = [];
  forEachGraph(root, ({ graph }) => {
    stored.push(...(graph.initializer ?? []));
    for (const node of graph.node ?? []) {
      const domain = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.` : '';
      const key = `${domain}${node.opType}`;
      opHistogram[key] = (opHistogram[key] ?? 0) + 1;
      if (node.opType === 'Constant') for (const a of node.attribute ?? []) if (a.t) stored.push(a.t);
    }
  });
  const initializerNames = new Set((root.initializer ?? []).map((t) => t.name));
  return {
    format: 'onnx',
    irVersion: toNumber(model.irVersion),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: toNumber(o.version) })),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    // Old exporters list initializers among the inputs; callers do not feed those.
    inputs: (root.input ?? []).filter((i) => !initializerNames.has(i.name)).map(tensorInfo),
    outputs: (root.output ?? []).map(tensorInfo),
    opHistogram,
    parameterCount: stored.reduce((n, t) => n + elementCount(tensorDims(t)), 0),
    bytes: bytes.byteLength,
    initializerBytes: stored.reduce((n, t) => n + tensorByteLength(t), 0),
  };
}
