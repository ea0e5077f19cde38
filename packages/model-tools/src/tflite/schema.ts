/**
 * The part of the TFLite FlatBuffers schema that model-tools reads and writes, hand-coded from
 * tensorflow/lite/schema/schema.fbs (schema version 3, file identifier "TFL3"). A field id is the
 * field's position in its table, counting a union as two fields (its `_type` byte, then the value);
 * the flatc-generated code would give the same numbers. Enum values are only ever appended upstream,
 * so these stay valid for newer files.
 */

export const TFLITE_FILE_IDENTIFIER = 'TFL3';
export const TFLITE_SCHEMA_VERSION = 3;

/** Field ids of each table, in schema.fbs declaration order. */
export const ModelField = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;

export const SubGraphField = { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 } as const;

export const TensorField = {
  shape: 0,
  type: 1,
  buffer: 2,
  name: 3,
  quantization: 4,
  isVariable: 5,
  sparsity: 6,
  shapeSignature: 7,
  hasRank: 8,
} as const;

export const QuantizationField = {
  min: 0,
  max: 1,
  scale: 2,
  /** [long]: int64 on the wire. */
  zeroPoint: 3,
  detailsType: 4,
  details: 5,
  quantizedDimension: 6,
} as const;

export const OperatorField = {
  opcodeIndex: 0,
  inputs: 1,
  outputs: 2,
  builtinOptionsType: 3,
  builtinOptions: 4,
  customOptions: 5,
} as const;

export const OperatorCodeField = {
  /** byte: the code when it is below 127 (PLACEHOLDER_FOR_GREATER_OP_CODES). */
  deprecatedBuiltinCode: 0,
  customCode: 1,
  /** int, default 1. */
  version: 2,
  /** int32: the full code; readers take max(deprecated_builtin_code, builtin_code). */
  builtinCode: 3,
} as const;

export const BufferField = { data: 0, offset: 1, size: 2 } as const;

export const FullyConnectedOptionsField = {
  fusedActivationFunction: 0,
  weightsFormat: 1,
  keepNumDims: 2,
  asymmetricQuantizeInputs: 3,
} as const;

export const SoftmaxOptionsField = { beta: 0 } as const;

export const SignatureDefField = { inputs: 0, outputs: 1, signatureKey: 2, subgraphIndex: 4 } as const;

export const TensorMapField = { name: 0, tensorIndex: 1 } as const;

/** enum TensorType : byte */
export const TensorType = {
  FLOAT32: 0,
  FLOAT16: 1,
  INT32: 2,
  UINT8: 3,
  INT64: 4,
  STRING: 5,
  BOOL: 6,
  INT16: 7,
  COMPLEX64: 8,
  INT8: 9,
  FLOAT64: 10,
  COMPLEX128: 11,
  UINT64: 12,
  RESOURCE: 13,
  VARIANT: 14,
  UINT32: 15,
  UINT16: 16,
  INT4: 17,
  BFLOAT16: 18,
} as const;
export type TensorType = (typeof TensorType)[keyof typeof TensorType];

/** enum BuiltinOperator : int32 — the codes this package writes. Names for reading are in op-names.ts. */
export const BuiltinOperator = {
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  RELU: 19,
  SOFTMAX: 25,
  CUSTOM: 32,
  QUANTIZE: 114,
  PLACEHOLDER_FOR_GREATER_OP_CODES: 127,
} as const;

/** union BuiltinOptions: the `_type` byte (0 is NONE). */
export const BuiltinOptions = {
  NONE: 0,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
} as const;
export type BuiltinOptions = (typeof BuiltinOptions)[keyof typeof BuiltinOptions];

/** enum ActivationFunctionType : byte */
export const ActivationFunctionType = {
  NONE: 0,
  RELU: 1,
  RELU_N1_TO_1: 2,
  RELU6: 3,
  TANH: 4,
  SIGN_BIT: 5,
} as const;
export type ActivationFunctionType = (typeof ActivationFunctionType)[keyof typeof ActivationFunctionType];

/** Readable names for TensorType values, matching the SDK's dtype strings where they overlap. */
export const TENSOR_TYPE_NAMES: Record<number, string> = {
  0: 'float32',
  1: 'float16',
  2: 'int32',
  3: 'uint8',
  4: 'int64',
  5: 'string',
  6: 'bool',
  7: 'int16',
  8: 'complex64',
  9: 'int8',
  10: 'float64',
  11: 'complex128',
  12: 'uint64',
  13: 'resource',
  14: 'variant',
  15: 'uint32',
  16: 'uint16',
  17: 'int4',
  18: 'bfloat16',
};
