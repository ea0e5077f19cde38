import { ModelToolsError } from '../../errors.js';
import { FlatBufferReader } from '../flatbuffer-reader.js';
import { readQuantization as readTensorQuantization } from '../read.js';
import {
  BufferField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  SignatureDefField,
  SubGraphField,
  TensorField,
  TensorMapField,
  TFLITE_FILE_IDENTIFIER,
} from '../schema.js';
import type {
  GraphOperator,
  GraphOperatorCode,
  GraphQuantization,
  GraphTensor,
  TfliteGraph,
} from './graph.js';
import { readRawTable } from './raw-table.js';

/** Operator fields past schema.ts's OperatorField that the rewriter cannot carry over. */
const OPERATOR_EXTRA = {
  mutatingVariableInputs: 7,
  intermediates: 8,
  largeCustomOptionsOffset: 9,
  options2Type: 11,
};
const QUANTIZATION_DETAILS_TYPE = 4;
const METADATA = { name: 0, buffer: 1 };

function unsupported(what: string): never {
  throw new ModelToolsError(
    'UNSUPPORTED',
    `this TFLite file uses ${what}, which the TFLite rewriter does not carry over; quantize it with the TFLite converter (Python) instead`,
  );
}

function readQuantization(r: FlatBufferReader, q: number): GraphQuantization | undefined {
  // The reader ignores custom details; a rewrite would silently drop them, so it refuses instead.
  if (r.int8(q, QUANTIZATION_DETAILS_TYPE) !== 0) unsupported('custom quantization details');
  return readTensorQuantization(r, q);
}

function readTensor(r: FlatBufferReader, t: number): GraphTensor {
  if (r.table(t, TensorField.sparsity) !== undefined) unsupported('a sparse tensor');
  const q = r.table(t, TensorField.quantization);
  const quantization = q === undefined ? undefined : readQuantization(r, q);
  const shapeSignature = r.int32Vector(t, TensorField.shapeSignature);
  return {
    name: r.string(t, TensorField.name) ?? '',
    type: r.int8(t, TensorField.type),
    shape: r.int32Vector(t, TensorField.shape) ?? [],
    ...(shapeSignature ? { shapeSignature } : {}),
    buffer: r.uint32(t, TensorField.buffer),
    ...(quantization ? { quantization } : {}),
    isVariable: r.bool(t, TensorField.isVariable),
    hasRank: r.bool(t, TensorField.hasRank),
  };
}

function readOperator(r: FlatBufferReader, op: number, codes: GraphOperatorCode[]): GraphOperator {
  if (r.vector(op, OPERATOR_EXTRA.mutatingVariableInputs, 1)) unsupported('mutating variable inputs');
  if (r.vector(op, OPERATOR_EXTRA.intermediates, 4)) unsupported('operator intermediates (LSTM)');
  if (r.uint64(op, OPERATOR_EXTRA.largeCustomOptionsOffset)) unsupported('custom options past 2 GB');
  if (r.int8(op, OPERATOR_EXTRA.options2Type)) unsupported('StableHLO operator options');
  const code = codes[r.uint32(op, OperatorField.opcodeIndex)];
  if (!code) unsupported('an operator whose opcode index is past the operator code list');
  const builtinOptionsType = r.int8(op, OperatorField.builtinOptionsType) & 0xff;
  const options = r.table(op, OperatorField.builtinOptions);
  const customOptions = r.bytes(op, OperatorField.customOptions);
  return {
    code: { ...code },
    inputs: r.int32Vector(op, OperatorField.inputs) ?? [],
    outputs: r.int32Vector(op, OperatorField.outputs) ?? [],
    builtinOptionsType,
    ...(options !== undefined ? { builtinOptions: readRawTable(r, options, builtinOptionsType) } : {}),
    ...(customOptions ? { customOptions: customOptions.slice() } : {}),
    customOptionsFormat: r.int8(op, OperatorField.customOptions + 1),
  };
}

function readOperatorCode(r: FlatBufferReader, c: number): GraphOperatorCode {
  const builtinCode = Math.max(
    r.int8(c, OperatorCodeField.deprecatedBuiltinCode),
    r.int32(c, OperatorCodeField.builtinCode),
  );
  const customCode = r.string(c, OperatorCodeField.customCode);
  return {
    builtinCode,
    ...(customCode ? { customCode } : {}),
    version: r.int32(c, OperatorCodeField.version, 1),
  };
}

function readTensorMaps(r: FlatBufferReader, table: number, id: number) {
  return r.tables(table, id).map((m) => ({
    name: r.string(m, TensorMapField.name) ?? '',
    tensorIndex: r.uint32(m, TensorMapField.tensorIndex),
  }));
}

/**
 * Decodes a .tflite file into an editable TfliteGraph (buffers copied, so edits never touch `bytes`).
 * Throws NOT_TFLITE, TRUNCATED, or UNSUPPORTED for parts it could not write back faithfully.
 */
export function readTfliteGraph(bytes: Uint8Array): TfliteGraph {
  const r = new FlatBufferReader(bytes);
  if (bytes.length < 8 || !r.bb.__has_identifier(TFLITE_FILE_IDENTIFIER)) {
    throw new ModelToolsError(
      'NOT_TFLITE',
      'not a TFLite model: no "TFL3" identifier at byte 4; pass a .tflite file written by the TFLite converter',
    );
  }
  const model = r.root();
  const codes = r.tables(model, ModelField.operatorCodes).map((c) => readOperatorCode(r, c));
  const buffers = r.tables(model, ModelField.buffers).map((b) => {
    if (r.uint64(b, BufferField.offset) > 1)
      unsupported('weights stored after the FlatBuffer (models over 2 GB)');
    return (r.bytes(b, BufferField.data) ?? new Uint8Array(0)).slice();
  });
  return {
    version: r.uint32(model, ModelField.version),
    description: r.string(model, ModelField.description) ?? '',
    subgraphs: r.tables(model, ModelField.subgraphs).map((s) => ({
      name: r.string(s, SubGraphField.name) ?? '',
      tensors: r.tables(s, SubGraphField.tensors).map((t) => readTensor(r, t)),
      inputs: r.int32Vector(s, SubGraphField.inputs) ?? [],
      outputs: r.int32Vector(s, SubGraphField.outputs) ?? [],
      operators: r.tables(s, SubGraphField.operators).map((op) => readOperator(r, op, codes)),
    })),
    buffers: buffers.length > 0 ? buffers : [new Uint8Array(0)],
    metadata: r.tables(model, ModelField.metadata).map((m) => ({
      name: r.string(m, METADATA.name) ?? '',
      buffer: r.uint32(m, METADATA.buffer),
    })),
    signatures: r.tables(model, ModelField.signatureDefs).map((s) => ({
      key: r.string(s, SignatureDefField.signatureKey) ?? '',
      subgraphIndex: r.uint32(s, SignatureDefField.subgraphIndex),
      inputs: readTensorMaps(r, s, SignatureDefField.inputs),
      outputs: readTensorMaps(r, s, SignatureDefField.outputs),
    })),
  };
}
