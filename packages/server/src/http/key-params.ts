import { NAME_PATTERN } from '@edgewise/protocol';

/** The `:key` of every `/v1/experiments/:key/…` route: an experiment key as the protocol defines names. */
export const keyParams = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', pattern: NAME_PATTERN } },
} as const;
