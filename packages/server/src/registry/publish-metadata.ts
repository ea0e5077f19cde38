import {
  MODEL_FORMATS,
  type ModelFormat,
  NAME_PATTERN,
  QUANTIZATIONS,
  type Quantization,
  type TensorSpec,
  tensorSpecSchema,
  VERSION_STATUSES,
  type VersionStatus,
} from '@edgewise/protocol';
import { Ajv } from 'ajv';
import { ServerError } from '../errors.js';
import { fieldName } from '../http/error-handler.js';

/** What the `x-edgewise-model` header of POST /v1/models says about the bytes in the body. */
export interface PublishMetadata {
  name: string;
  version: string;
  format?: ModelFormat;
  quantization?: Quantization;
  metrics?: Record<string, number>;
  labels?: string[];
  status?: VersionStatus;
  channels?: string[];
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
}

const NAME = NAME_PATTERN;
// The same enums as the manifest, so whatever is published can be served in a valid manifest.
const validate = new Ajv({ allErrors: false }).compile<PublishMetadata>({
  type: 'object',
  required: ['name', 'version'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: NAME },
    version: { type: 'string', pattern: NAME },
    format: { type: 'string', enum: MODEL_FORMATS },
    quantization: { type: 'string', enum: QUANTIZATIONS },
    metrics: { type: 'object', additionalProperties: { type: 'number' } },
    labels: { type: 'array', items: { type: 'string' }, maxItems: 100_000 },
    status: { type: 'string', enum: VERSION_STATUSES },
    channels: { type: 'array', items: { type: 'string', pattern: NAME }, maxItems: 16 },
    inputs: { type: 'array', items: tensorSpecSchema },
    outputs: { type: 'array', items: tensorSpecSchema },
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
