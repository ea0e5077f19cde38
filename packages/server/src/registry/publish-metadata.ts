import { Ajv } from 'ajv';
import { ServerError } from '../errors.js';
import { fieldName } from '../http/error-handler.js';
import type { TensorSpec, VersionStatus } from '../storage/records.js';

/** What the `x-edgewise-model` header of POST /v1/models says about the bytes in the body. */
export interface PublishMetadata {
  name: string;
  version: string;
  format?: 'onnx' | 'tflite';
  quantization?: string;
  metrics?: Record<string, number>;
  labels?: string[];
  status?: VersionStatus;
  channels?: string[];
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
}

const NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
const tensor = {
  type: 'object',
  required: ['name', 'dtype', 'shape'],
  properties: {
    name: { type: 'string', minLength: 1 },
    dtype: { type: 'string', minLength: 1 },
    shape: { type: 'array', items: { type: ['integer', 'string'] } },
  },
};

const validate = new Ajv({ allErrors: false, allowUnionTypes: true }).compile<PublishMetadata>({
  type: 'object',
  required: ['name', 'version'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: NAME },
    version: { type: 'string', pattern: NAME },
    format: { enum: ['onnx', 'tflite'] },
    quantization: { type: 'string', minLength: 1, maxLength: 32 },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    labels: { type: 'array', items: { type: 'string' }, maxItems: 100_000 },
    status: { enum: ['candidate', 'approved', 'retired'] },
    channels: { type: 'array', items: { type: 'string', pattern: NAME }, maxItems: 16 },
    inputs: { type: 'array', items: tensor },
    outputs: { type: 'array', items: tensor },
  },
});

export function parsePublishMetadata(header: unknown): PublishMetadata {
  if (typeof header !== 'string' || !header) {
    throw new ServerError(
      'BAD_REQUEST',
      'x-edgewise-model header is required: JSON like {"name":"iris","version":"2.0.0","quantization":"fp32"}',
    );
  }
  let meta: unknown;
  try {
    meta = JSON.parse(header);
  } catch {
    throw new ServerError('BAD_REQUEST', 'x-edgewise-model header must be JSON');
  }
  if (!validate(meta)) {
    const issue = validate.errors?.[0];
    const field = fieldName('x-edgewise-model', issue?.instancePath ?? '', issue as never);
    throw new ServerError('BAD_REQUEST', `x-edgewise-model: ${field} ${issue?.message ?? 'is invalid'}`);
  }
  return meta;
}
