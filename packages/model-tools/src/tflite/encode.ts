import { Builder, type Offset } from 'flatbuffers';
import {
  alignedByteVector,
  float32Vector,
  int32Vector,
  int64Vector,
  offsetVector,
} from './flatbuffer-vectors.js';
import type {
  TfliteGraphSpec,
  TfliteOperatorSpec,
  TfliteOptionsSpec,
  TfliteQuantizationSpec,
  TfliteTensorSpec,
} from './graph-spec.js';
import {
  BufferField,
  BuiltinOperator,
  BuiltinOptions,
  FullyConnectedOptionsField,
  ModelField,
  OperatorCodeField,
  OperatorField,
  QuantizationField,
  SignatureDefField,
  SoftmaxOptionsField,
  SubGraphField,
  TensorField,
  TensorMapField,
  TFLITE_FILE_IDENTIFIER,
  TFLITE_SCHEMA_VERSION,
} from './schema.js';

/** schema.fbs: Buffer.data is (force_align: 16). */
const BUFFER_ALIGNMENT = 16;

function writeQuantization(b: Builder, q: TfliteQuantizationSpec): Offset {
  const min = q.min ? float32Vector(b, q.min) : 0;
  const max = q.max ? float32Vector(b, q.max) : 0;
  const scale = float32Vector(b, q.scale);
  const zeroPoint = int64Vector(b, q.zeroPoint);
  b.startObject(7);
  if (min) b.addFieldOffset(QuantizationField.min, min, 0);
  if (max) b.addFieldOffset(QuantizationField.max, max, 0);
  b.addFieldOffset(QuantizationField.scale, scale, 0);
  b.addFieldOffset(QuantizationField.zeroPoint, zeroPoint, 0);
  b.addFieldInt32(QuantizationField.quantizedDimension, q.quantizedDimension ?? 0, 0);
  return b.endObject();
}

function writeTensor(b: Builder, t: TfliteTensorSpec, buffer: number): Offset {
  const shape = int32Vector(b, t.shape);
  const name = b.createString(t.name);
  const quantization = t.quantization ? writeQuantization(b, t.quantization) : 0;
  const signature = t.shapeSignature ? int32Vector(b, t.shapeSignature) : 0;
  b.startObject(9);
  b.addFieldOffset(TensorField.shape, shape, 0);
  b.addFieldInt8(TensorField.type, t.type, 0);
  b.addFieldInt32(TensorField.buffer, buffer, 0);
  b.addFieldOffset(TensorField.name, name, 0);
  if (quantization) b.addFieldOffset(TensorField.quantization, quantization, 0);
  if (signature) b.addFieldOffset(TensorField.shapeSignature, signature, 0);
  return b.endObject();
}

function writeOptions(b: Builder, options: TfliteOptionsSpec): { type: number; table: Offset } {
  if (options.kind === 'fullyConnected') {
    b.startObject(4);
    b.addFieldInt8(FullyConnectedOptionsField.fusedActivationFunction, options.fusedActivation, 0);
    b.addFieldInt8(
      FullyConnectedOptionsField.asymmetricQuantizeInputs,
      options.asymmetricQuantizeInputs ? 1 : 0,
      0,
    );
    return { type: BuiltinOptions.FullyConnectedOptions, table: b.endObject() };
  }
  b.startObject(1);
  b.addFieldFloat32(SoftmaxOptionsField.beta, options.beta, 0);
  return { type: BuiltinOptions.SoftmaxOptions, table: b.endObject() };
}

function writeOperator(b: Builder, op: TfliteOperatorSpec, opcodeIndex: number): Offset {
  const inputs = int32Vector(b, op.inputs);
  const outputs = int32Vector(b, op.outputs);
  const options = op.options ? writeOptions(b, op.options) : undefined;
  b.startObject(6);
  b.addFieldInt32(OperatorField.opcodeIndex, opcodeIndex, 0);
  b.addFieldOffset(OperatorField.inputs, inputs, 0);
  b.addFieldOffset(OperatorField.outputs, outputs, 0);
  if (options) {
    b.addFieldInt8(OperatorField.builtinOptionsType, options.type, BuiltinOptions.NONE);
    b.addFieldOffset(OperatorField.builtinOptions, options.table, 0);
  }
  return b.endObject();
}

function writeOperatorCode(b: Builder, code: number, version: number): Offset {
  b.startObject(4);
  // Readers older than schema 3a only see the byte field; codes past 126 keep the placeholder there.
  const legacy = Math.min(code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES);
  b.addFieldInt8(OperatorCodeField.deprecatedBuiltinCode, legacy, 0);
  b.addFieldInt32(OperatorCodeField.version, version, 1);
  b.addFieldInt32(OperatorCodeField.builtinCode, code, 0);
  return b.endObject();
}

function writeBuffer(b: Builder, data: Uint8Array | undefined): Offset {
  const vector = data && data.length > 0 ? alignedByteVector(b, data, BUFFER_ALIGNMENT) : 0;
  b.startObject(3);
  if (vector) b.addFieldOffset(BufferField.data, vector, 0);
  return b.endObject();
}

function writeTensorMaps(b: Builder, spec: TfliteGraphSpec, indices: number[]): Offset {
  const maps = indices.map((index) => {
    const name = b.createString(spec.tensors[index]!.name);
    b.startObject(2);
    b.addFieldOffset(TensorMapField.name, name, 0);
    b.addFieldInt32(TensorMapField.tensorIndex, index, 0);
    return b.endObject();
  });
  return offsetVector(b, maps);
}

function writeSignature(b: Builder, spec: TfliteGraphSpec, key: string): Offset {
  const inputs = writeTensorMaps(b, spec, spec.inputs);
  const outputs = writeTensorMaps(b, spec, spec.outputs);
  const signatureKey = b.createString(key);
  b.startObject(5);
  b.addFieldOffset(SignatureDefField.inputs, inputs, 0);
  b.addFieldOffset(SignatureDefField.outputs, outputs, 0);
  b.addFieldOffset(SignatureDefField.signatureKey, signatureKey, 0);
  b.addFieldInt32(SignatureDefField.subgraphIndex, 0, 0);
  return b.endObject();
}

/**
 * Lays a graph out as a .tflite FlatBuffer: one subgraph, buffer 0 the empty sentinel that every
 * activation points at, one buffer per constant tensor, operator codes deduplicated by (code, version).
 */
export function encodeTflite(spec: TfliteGraphSpec): Uint8Array {
  const b = new Builder(1024 + spec.tensors.reduce((n, t) => n + (t.data?.length ?? 0) + 256, 0));

  const bufferData: (Uint8Array | undefined)[] = [undefined];
  const tensorBuffer = spec.tensors.map((t) => {
    if (!t.data || t.data.length === 0) return 0;
    bufferData.push(t.data);
    return bufferData.length - 1;
  });
  const codes = new Map<string, { index: number; code: number; version: number }>();
  const opcodeIndex = spec.operators.map((op) => {
    const key = `${op.builtinCode}/${op.version}`;
    const known = codes.get(key) ?? { index: codes.size, code: op.builtinCode, version: op.version };
    codes.set(key, known);
    return known.index;
  });

  const buffers = offsetVector(
    b,
    bufferData.map((data) => writeBuffer(b, data)),
  );
  const tensors = offsetVector(
    b,
    spec.tensors.map((t, i) => writeTensor(b, t, tensorBuffer[i]!)),
  );
  const operators = offsetVector(
    b,
    spec.operators.map((op, i) => writeOperator(b, op, opcodeIndex[i]!)),
  );
  const inputs = int32Vector(b, spec.inputs);
  const outputs = int32Vector(b, spec.outputs);
  const subgraphName = b.createString(spec.name);
  b.startObject(5);
  b.addFieldOffset(SubGraphField.tensors, tensors, 0);
  b.addFieldOffset(SubGraphField.inputs, inputs, 0);
  b.addFieldOffset(SubGraphField.outputs, outputs, 0);
  b.addFieldOffset(SubGraphField.operators, operators, 0);
  b.addFieldOffset(SubGraphField.name, subgraphName, 0);
  const subgraphs = offsetVector(b, [b.endObject()]);

  const operatorCodes = offsetVector(
    b,
    [...codes.values()].map((c) => writeOperatorCode(b, c.code, c.version)),
  );
  const signatures = spec.signatureKey ? offsetVector(b, [writeSignature(b, spec, spec.signatureKey)]) : 0;
  const description = b.createString(spec.description);

  b.startObject(8);
  b.addFieldInt32(ModelField.version, TFLITE_SCHEMA_VERSION, 0);
  b.addFieldOffset(ModelField.operatorCodes, operatorCodes, 0);
  b.addFieldOffset(ModelField.subgraphs, subgraphs, 0);
  b.addFieldOffset(ModelField.description, description, 0);
  b.addFieldOffset(ModelField.buffers, buffers, 0);
  if (signatures) b.addFieldOffset(ModelField.signatureDefs, signatures, 0);
  b.finish(b.endObject(), TFLITE_FILE_IDENTIFIER);
  // A copy, so the result owns a buffer that starts at offset 0 (and keeps the 16-byte alignment).
  return b.asUint8Array().slice();
}
