import { TENSOR_DTYPES, type TensorDType } from './common.js';

/**
 * A tensor on the wire, as the SDK's remote backend sends it to `POST /v1/predict`: row-major
 * `data`, its `dims`, and its `dtype` (default float32). int64 values may be strings so they
 * survive JSON; float16 values are the raw 16-bit patterns.
 */
export interface TensorJson {
  dims: number[];
  data: (number | string)[];
  dtype?: TensorDType;
}

export const MAX_TENSOR_RANK = 8;
export const MAX_TENSOR_VALUES = 1_000_000;

export const tensorJsonSchema = {
  type: 'object',
  required: ['dims', 'data'],
  additionalProperties: false,
  properties: {
    dims: {
      type: 'array',
      maxItems: MAX_TENSOR_RANK,
      items: { type: 'integer', minimum: 0, maximum: MAX_TENSOR_VALUES },
    },
    data: {
      type: 'array',
      maxItems: MAX_TENSOR_VALUES,
      items: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?\\d{1,19}$' }] },
    },
    dtype: { type: 'string', enum: TENSOR_DTYPES },
  },
} as const;
