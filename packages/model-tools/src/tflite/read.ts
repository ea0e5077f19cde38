import { ModelToolsError } from '../errors.js';
import { FlatBufferReader } from './flatbuffer-reader.js';
import { builtinOperatorName } from './op-names.js';
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
  TFLITE_FILE_IDENTIFIER,
} from './schema.js';

/** A .tflite file decoded into plain objects: the parts model-tools inspects and interprets. */
export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min?: number[];
  max?: number[];
}

export interface TfliteTensor {
  name: string;
  /** TensorType value (schema.ts). */
  type: number;
  shape: number[];
  /** The shape with -1 for dynamic dimensions, when the file records one. */
  shapeSignature?: number[];
  buffer: number;
  quantization?: TfliteQuantization;
}

export interface TfliteOperator {
  opcodeIndex: number;
  /** -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  builtinOptionsType: number;
  fullyConnected?: { fusedActivation: number; keepNumDims: boolean; asymmetricQuantizeInputs: boolean };
  softmax?: { beta: number };
}

export interface TfliteOperatorCode {
  /** max(deprecated_builtin_code, builtin_code), as the TFLite runtime resolves it. */
  builtinCode: number;
  /** The schema name, the custom op's name for CUSTOM, or BUILTIN_<n>. */
  name: string;
  version: number;
}

export interface TfliteSubgraph {
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  operators: TfliteOperator[];
}

export interface TfliteModel {
  version: number;
  description: string;
  operatorCodes: TfliteOperatorCode[];
  subgraphs: TfliteSubgraph[];
  /** Contents of each buffer (views into the file); buffer 0 is the empty sentinel. */
  buffers: Uint8Array[];
  signatureKeys: string[];
}

/** A tensor's quantization table; shared with the rewriter (`rewrite/read-graph.ts`). */
export function readQuantization(r: FlatBufferReader, q: number): TfliteQuantization | undefined {
  const scale = r.float32Vector(q, QuantizationField.scale) ?? [];
  const min = r.float32Vector(q, QuantizationField.min);
  const max = r.float32Vector(q, QuantizationField.max);
  if (scale.length === 0 && !min) return undefined;
  return {
    scale,
    zeroPoint: r.int64Vector(q, QuantizationField.zeroPoint) ?? [],
    quantizedDimension: r.int32(q, QuantizationField.quantizedDimension),
    ...(min ? { min } : {}),
    ...(max ? { max } : {}),
  };
}

function readTensor(r: FlatBufferReader, t: number): TfliteTensor {
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
  };
}

function readOperator(r: FlatBufferReader, op: number): TfliteOperator {
  const builtinOptionsType = r.int8(op, OperatorField.builtinOptionsType) & 0xff;
  const options = r.table(op, OperatorField.builtinOptions);
  const result: TfliteOperator = {
    opcodeIndex: r.uint32(op, OperatorField.opcodeIndex),
    inputs: r.int32Vector(op, OperatorField.inputs) ?? [],
    outputs: r.int32Vector(op, OperatorField.outputs) ?? [],
    builtinOptionsType,
  };
  if (options !== undefined && builtinOptionsType === BuiltinOptions.FullyConnectedOptions) {
    result.fullyConnected = {
      fusedActivation: r.int8(options, FullyConnectedOptionsField.fusedActivationFunction),
      keepNumDims: r.bool(options, FullyConnectedOptionsField.keepNumDims),
      asymmetricQuantizeInputs: r.bool(options, FullyConnectedOptionsField.asymmetricQuantizeInputs),
    };
  }
  if (options !== undefined && builtinOptionsType === BuiltinOptions.SoftmaxOptions) {
    result.softmax = { beta: r.float32(options, SoftmaxOptionsField.beta) };
  }
  return result;
}

function readOperatorCode(r: FlatBufferReader, c: number): TfliteOperatorCode {
  // Files from before schema 3a only have the byte field; newer ones put 127 there for big codes.
  const builtinCode = Math.max(
    r.int8(c, OperatorCodeField.deprecatedBuiltinCode),
    r.int32(c, OperatorCodeField.builtinCode),
  );
  const custom = r.string(c, OperatorCodeField.customCode);
  const name = builtinCode === BuiltinOperator.CUSTOM && custom ? custom : builtinOperatorName(builtinCode);
  return { builtinCode, name, version: r.int32(c, OperatorCodeField.version, 1) };
}

function readBuffer(r: FlatBufferReader, b: number): Uint8Array {
  const data = r.bytes(b, BufferField.data);
  if (data && data.length > 0) return data;
  // Models over 2 GB keep weights after the FlatBuffer; offset counts from the file start (> 1 when used).
  const offset = r.uint64(b, BufferField.offset);
  const size = r.uint64(b, BufferField.size);
  if (offset <= 1) return new Uint8Array(0);
  r.check(offset, size, 'external buffer');
  return r.bb.bytes().subarray(offset, offset + size);
}

/**
 * Decodes a .tflite file. Throws NOT_TFLITE when the "TFL3" identifier is missing and TRUNCATED when
 * an offset points past the end of the file.
 *
 * @example
 * const model = readTflite(bytes);
 * console.log(model.subgraphs[0].tensors.map((t) => t.name));
 */
export function readTflite(bytes: Uint8Array): TfliteModel {
  const r = new FlatBufferReader(bytes);
  if (bytes.length < 8 || !r.bb.__has_identifier(TFLITE_FILE_IDENTIFIER)) {
    const found = bytes.length < 8 ? `only ${bytes.length} bytes` : 'no "TFL3" identifier at byte 4';
    throw new ModelToolsError(
      'NOT_TFLITE',
      `not a TFLite model: ${found}; pass a .tflite file written by the TFLite converter or denseModelToTflite`,
    );
  }
  const model = r.root();
  const subgraphs = r.tables(model, ModelField.subgraphs).map((s) => ({
    name: r.string(s, SubGraphField.name) ?? '',
    tensors: r.tables(s, SubGraphField.tensors).map((t) => readTensor(r, t)),
    inputs: r.int32Vector(s, SubGraphField.inputs) ?? [],
    outputs: r.int32Vector(s, SubGraphField.outputs) ?? [],
    operators: r.tables(s, SubGraphField.operators).map((op) => readOperator(r, op)),
  }));
  return {
    version: r.uint32(model, ModelField.version),
    description: r.string(model, ModelField.description) ?? '',
    operatorCodes: r.tables(model, ModelField.operatorCodes).map((c) => readOperatorCode(r, c)),
    subgraphs,
    buffers: r.tables(model, ModelField.buffers).map((b) => readBuffer(r, b)),
    signatureKeys: r
      .tables(model, ModelField.signatureDefs)
      .map((s) => r.string(s, SignatureDefField.signatureKey) ?? ''),
  };
}
