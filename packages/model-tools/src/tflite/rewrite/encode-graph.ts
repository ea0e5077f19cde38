import { Builder, type Offset } from 'flatbuffers';
import {
  alignedByteVector,
  float32Vector,
  int32Vector,
  int64Vector,
  offsetVector,
} from '../flatbuffer-vectors.js';
import {
  BufferField,
  BuiltinOperator,
  ModelField,
  OperatorCodeField,
  OperatorField,
  QuantizationField,
  SignatureDefField,
  SubGraphField,
  TensorField,
  TensorMapField,
  TFLITE_FILE_IDENTIFIER,
} from '../schema.js';
import type { GraphOperator, GraphOperatorCode, GraphSubgraph, GraphTensor, TfliteGraph } from './graph.js';
import { writeRawTable } from './raw-table.js';

/** schema.fbs: Buffer.data is (force_align: 16). */
const BUFFER_ALIGNMENT = 16;

function writeTensor(b: Builder, t: GraphTensor, buffer: number): Offset {
  const shape = int32Vector(b, t.shape);
  const name = b.createString(t.name);
  let quantization = 0;
  if (t.quantization) {
    const q = t.quantization;
    const min = q.min ? float32Vector(b, q.min) : 0;
    const max = q.max ? float32Vector(b, q.max) : 0;
    const scale = float32Vector(b, q.scale);
    const zeroPoint = int64Vector(b, q.zeroPoint);
    b.startObject(7);
    if (min) b.addFieldOffset(QuantizationField.min, min, 0);
    if (max) b.addFieldOffset(QuantizationField.max, max, 0);
    b.addFieldOffset(QuantizationField.scale, scale, 0);
    b.addFieldOffset(QuantizationField.zeroPoint, zeroPoint, 0);
    b.addFieldInt32(QuantizationField.quantizedDimension, q.quantizedDimension, 0);
    quantization = b.endObject();
  }
  const signature = t.shapeSignature ? int32Vector(b, t.shapeSignature) : 0;
  b.startObject(9);
  b.addFieldOffset(TensorField.shape, shape, 0);
  b.addFieldInt8(TensorField.type, t.type, 0);
  b.addFieldInt32(TensorField.buffer, buffer, 0);
  b.addFieldOffset(TensorField.name, name, 0);
  if (quantization) b.addFieldOffset(TensorField.quantization, quantization, 0);
  b.addFieldInt8(TensorField.isVariable, t.isVariable ? 1 : 0, 0);
  if (signature) b.addFieldOffset(TensorField.shapeSignature, signature, 0);
  b.addFieldInt8(TensorField.hasRank, t.hasRank ? 1 : 0, 0);
  return b.endObject();
}

function writeOperator(
  b: Builder,
  op: GraphOperator,
  opcodeIndex: number,
  remap: (t: number) => number,
): Offset {
  const inputs = int32Vector(b, op.inputs.map(remap));
  const outputs = int32Vector(b, op.outputs.map(remap));
  const options = op.builtinOptions ? writeRawTable(b, op.builtinOptions) : 0;
  const custom = op.customOptions ? b.createByteVector(op.customOptions) : 0;
  b.startObject(7);
  b.addFieldInt32(OperatorField.opcodeIndex, opcodeIndex, 0);
  b.addFieldOffset(OperatorField.inputs, inputs, 0);
  b.addFieldOffset(OperatorField.outputs, outputs, 0);
  b.addFieldInt8(OperatorField.builtinOptionsType, op.builtinOptionsType, 0);
  if (options) b.addFieldOffset(OperatorField.builtinOptions, options, 0);
  if (custom) b.addFieldOffset(OperatorField.customOptions, custom, 0);
  b.addFieldInt8(OperatorField.customOptions + 1, op.customOptionsFormat, 0);
  return b.endObject();
}

function writeOperatorCode(b: Builder, c: GraphOperatorCode): Offset {
  const custom = c.customCode ? b.createString(c.customCode) : 0;
  b.startObject(4);
  // Readers older than schema 3a only see the byte field; codes past 126 keep the placeholder there.
  b.addFieldInt8(
    OperatorCodeField.deprecatedBuiltinCode,
    Math.min(c.builtinCode, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES),
    0,
  );
  if (custom) b.addFieldOffset(OperatorCodeField.customCode, custom, 0);
  b.addFieldInt32(OperatorCodeField.version, c.version, 1);
  b.addFieldInt32(OperatorCodeField.builtinCode, c.builtinCode, 0);
  return b.endObject();
}

/** Tensors still referenced, in their old order, so a file that changed nothing keeps its indices. */
function liveTensors(graph: TfliteGraph, s: GraphSubgraph, subgraphIndex: number): number[] {
  const live = new Set<number>([...s.inputs, ...s.outputs]);
  for (const op of s.operators) for (const t of [...op.inputs, ...op.outputs]) if (t >= 0) live.add(t);
  for (const sig of graph.signatures) {
    if (sig.subgraphIndex !== subgraphIndex) continue;
    for (const m of [...sig.inputs, ...sig.outputs]) live.add(m.tensorIndex);
  }
  return [...live].sort((a, c) => a - c);
}

/**
 * Writes a TfliteGraph as a .tflite FlatBuffer. Tensors no operator, input, output or signature refers
 * to are dropped, and so are buffers no tensor or metadata entry refers to — so replacing a tensor's
 * weights (or folding a DEQUANTIZE) never leaves the old bytes behind.
 */
export function encodeTfliteGraph(graph: TfliteGraph): Uint8Array {
  const liveBySubgraph = graph.subgraphs.map((s, i) => liveTensors(graph, s, i));
  const tensorMaps = liveBySubgraph.map((live) => new Map(live.map((old, i) => [old, i])));
  const bufferMap = new Map<number, number>([[0, 0]]);
  const useBuffer = (old: number) => {
    if (old === 0 || !graph.buffers[old]?.length) return 0;
    if (!bufferMap.has(old)) bufferMap.set(old, bufferMap.size);
    return bufferMap.get(old)!;
  };
  const size = graph.buffers.reduce((n, d) => n + d.length + 64, 4096);
  const b = new Builder(size);

  const codes = new Map<string, { index: number; code: GraphOperatorCode }>();
  const codeIndex = (c: GraphOperatorCode) => {
    const key = `${c.builtinCode}/${c.customCode ?? ''}/${c.version}`;
    if (!codes.has(key)) codes.set(key, { index: codes.size, code: c });
    return codes.get(key)!.index;
  };

  const subgraphs = graph.subgraphs.map((s, si) => {
    const map = tensorMaps[si]!;
    const remap = (t: number) => (t < 0 ? t : map.get(t)!);
    const tensors = offsetVector(
      b,
      liveBySubgraph[si]!.map((old) => writeTensor(b, s.tensors[old]!, useBuffer(s.tensors[old]!.buffer))),
    );
    const operators = offsetVector(
      b,
      s.operators.map((op) => writeOperator(b, op, codeIndex(op.code), remap)),
    );
    const inputs = int32Vector(b, s.inputs.map(remap));
    const outputs = int32Vector(b, s.outputs.map(remap));
    const name = b.createString(s.name);
    b.startObject(5);
    b.addFieldOffset(SubGraphField.tensors, tensors, 0);
    b.addFieldOffset(SubGraphField.inputs, inputs, 0);
    b.addFieldOffset(SubGraphField.outputs, outputs, 0);
    b.addFieldOffset(SubGraphField.operators, operators, 0);
    b.addFieldOffset(SubGraphField.name, name, 0);
    return b.endObject();
  });
  const subgraphVector = offsetVector(b, subgraphs);
  const operatorCodes = offsetVector(
    b,
    [...codes.values()].map((c) => writeOperatorCode(b, c.code)),
  );
  const metadata = graph.metadata.map((m) => {
    const name = b.createString(m.name);
    const buffer = useBuffer(m.buffer);
    b.startObject(2);
    b.addFieldOffset(0, name, 0);
    b.addFieldInt32(1, buffer, 0);
    return b.endObject();
  });
  const signatures = graph.signatures.map((sig) => {
    const map = tensorMaps[sig.subgraphIndex]!;
    const maps = (list: { name: string; tensorIndex: number }[]) =>
      offsetVector(
        b,
        list.map((m) => {
          const name = b.createString(m.name);
          b.startObject(2);
          b.addFieldOffset(TensorMapField.name, name, 0);
          b.addFieldInt32(TensorMapField.tensorIndex, map.get(m.tensorIndex)!, 0);
          return b.endObject();
        }),
      );
    const inputs = maps(sig.inputs);
    const outputs = maps(sig.outputs);
    const key = b.createString(sig.key);
    b.startObject(5);
    b.addFieldOffset(SignatureDefField.inputs, inputs, 0);
    b.addFieldOffset(SignatureDefField.outputs, outputs, 0);
    b.addFieldOffset(SignatureDefField.signatureKey, key, 0);
    b.addFieldInt32(SignatureDefField.subgraphIndex, sig.subgraphIndex, 0);
    return b.endObject();
  });
  const metadataVector = metadata.length ? offsetVector(b, metadata) : 0;
  const signatureVector = signatures.length ? offsetVector(b, signatures) : 0;
  // Buffers last in build order, so they sit at the front of the file; bufferMap is complete now.
  const order = [...bufferMap.entries()].sort((x, y) => x[1] - y[1]);
  const buffers = offsetVector(
    b,
    order.map(([old]) => {
      const data = graph.buffers[old]!;
      const vector = data.length > 0 ? alignedByteVector(b, data, BUFFER_ALIGNMENT) : 0;
      b.startObject(3);
      if (vector) b.addFieldOffset(BufferField.data, vector, 0);
      return b.endObject();
    }),
  );
  const description = b.createString(graph.description);
  b.startObject(8);
  b.addFieldInt32(ModelField.version, graph.version, 0);
  b.addFieldOffset(ModelField.operatorCodes, operatorCodes, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphVector, 0);
  b.addFieldOffset(ModelField.description, description, 0);
  b.addFieldOffset(ModelField.buffers, buffers, 0);
  if (metadataVector) b.addFieldOffset(ModelField.metadata, metadataVector, 0);
  if (signatureVector) b.addFieldOffset(ModelField.signatureDefs, signatureVector, 0);
  b.finish(b.endObject(), TFLITE_FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}
