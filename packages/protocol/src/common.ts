/** Pieces several formats share, so a limit is stated once. */

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Experiment keys, arm names, model names and versions: safe in URLs, file names and SQL. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

export const nameSchema = { type: 'string', pattern: NAME_PATTERN } as const;

export const textSchema = <N extends number>(maxLength: N) =>
  ({ type: 'string', minLength: 1, maxLength }) as const;

export const MODEL_FORMATS = ['onnx', 'tflite'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const TENSOR_DTYPES = ['float32', 'float16', 'int8', 'uint8', 'int32', 'int64', 'bool'] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];
