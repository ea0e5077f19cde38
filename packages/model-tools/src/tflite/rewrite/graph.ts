import type { TfliteQuantization } from '../read.js';
import type { RawTable } from './raw-table.js';

/**
 * A whole .tflite file as plain, editable objects: what the rewriter reads, the quantizers change and
 * encode-graph.ts writes back. Unlike read.ts (which decodes what inspect and the reference
 * interpreter need), it keeps every operator's options, custom options, metadata and signatures, so a
 * third-party model survives the round trip. Tensors and buffers are referred to by index, as in the file.
 */
/** The same table the reader gives (`TfliteQuantization`). */
export type GraphQuantization = TfliteQuantization;

export interface GraphTensor {
  name: string;
  /** TensorType value (schema.ts). */
  type: number;
  shape: number[];
  shapeSignature?: number[];
  /** Index into TfliteGraph.buffers; 0 (the empty sentinel) for activations. */
  buffer: number;
  quantization?: GraphQuantization;
  isVariable: boolean;
  hasRank: boolean;
}

export interface GraphOperatorCode {
  builtinCode: number;
  customCode?: string;
  version: number;
}

export interface GraphOperator {
  /** The operator's own code: the encoder deduplicates them, so changing a version here is safe. */
  code: GraphOperatorCode;
  /** -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  builtinOptionsType: number;
  builtinOptions?: RawTable;
  customOptions?: Uint8Array;
  customOptionsFormat: number;
}

export interface GraphSubgraph {
  name: string;
  tensors: GraphTensor[];
  inputs: number[];
  outputs: number[];
  operators: GraphOperator[];
}

export interface GraphSignature {
  key: string;
  subgraphIndex: number;
  inputs: { name: string; tensorIndex: number }[];
  outputs: { name: string; tensorIndex: number }[];
}

export interface TfliteGraph {
  version: number;
  description: string;
  subgraphs: GraphSubgraph[];
  /** Buffer contents (copies); buffer 0 is the empty sentinel. */
  buffers: Uint8Array[];
  metadata: { name: string; buffer: number }[];
  signatures: GraphSignature[];
}

/** Whether tensor `index` holds constant data. */
export function isConstant(graph: TfliteGraph, tensor: GraphTensor): boolean {
  return tensor.buffer > 0 && (graph.buffers[tensor.buffer]?.length ?? 0) > 0;
}

/** Adds a buffer and returns its index. */
export function addBuffer(graph: TfliteGraph, data: Uint8Array): number {
  graph.buffers.push(data);
  return graph.buffers.length - 1;
}

/** Adds a tensor to the subgraph and returns its index. */
export function addTensor(subgraph: GraphSubgraph, tensor: GraphTensor): number {
  subgraph.tensors.push(tensor);
  return subgraph.tensors.length - 1;
}

/** For each tensor, the operators (by index) that read it. */
export function consumersOf(subgraph: GraphSubgraph): number[][] {
  const consumers: number[][] = subgraph.tensors.map(() => []);
  subgraph.operators.forEach((op, i) => {
    for (const t of op.inputs) if (t >= 0) consumers[t]!.push(i);
  });
  return consumers;
}

/** For each tensor, the operator (by index) that writes it, or -1. */
export function producersOf(subgraph: GraphSubgraph): number[] {
  const producers = subgraph.tensors.map(() => -1);
  subgraph.operators.forEach((op, i) => {
    for (const t of op.outputs) if (t >= 0) producers[t] = i;
  });
  return producers;
}
