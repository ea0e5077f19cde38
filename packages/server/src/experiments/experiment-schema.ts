import { Ajv } from 'ajv';
import { ServerError } from '../errors.js';
import { fieldName } from '../http/error-handler.js';
import type { ExperimentDefinition } from '../storage/records.js';

const NAME = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } as const;

/** An experiment as an admin defines it (DESIGN.md › Formats › Experiments); policyVersion is the server's. */
export const experimentSchema = {
  type: 'object',
  required: ['key', 'type', 'seed', 'arms'],
  additionalProperties: false,
  properties: {
    key: NAME,
    type: { enum: ['ab', 'bandit'] },
    seed: { type: ['integer', 'string'] },
    arms: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        required: ['name', 'model', 'version', 'weight'],
        additionalProperties: false,
        properties: {
          name: NAME,
          model: NAME,
          version: NAME,
          weight: { type: 'number', minimum: 0 },
        },
      },
    },
    policy: { enum: ['thompson', 'ucb1', 'epsilon-greedy'] },
    // Accepted so an exported experiment can be re-imported; the server owns the real value.
    policyVersion: { type: 'integer' },
  },
} as const;

/** Checks what a schema cannot: unique arm names, and weights that can split traffic. */
export function checkExperiment(
  raw: ExperimentDefinition & { policyVersion?: number },
  where = 'body',
): ExperimentDefinition {
  const names = new Set<string>();
  raw.arms.forEach((arm, i) => {
    if (names.has(arm.name)) {
      throw new ServerError(
        'BAD_REQUEST',
        `${where}: arms[${i}].name "${arm.name}" is used by another arm; arm names must be unique`,
      );
    }
    names.add(arm.name);
  });
  if (raw.arms.reduce((s, a) => s + a.weight, 0) <= 0) {
    throw new ServerError('BAD_REQUEST', `${where}: arms[].weight must not all be 0`);
  }
  if (raw.policy && raw.type !== 'bandit') {
    throw new ServerError(
      'BAD_REQUEST',
      `${where}: policy is only for type "bandit"; remove it or change type`,
    );
  }
  const { policyVersion: _, ...definition } = raw;
  return raw.type === 'bandit' ? { ...definition, policy: raw.policy ?? 'thompson' } : definition;
}

const validate = new Ajv({ allErrors: false, allowUnionTypes: true }).compile(experimentSchema);

/** Validates one definition from a config file, naming the field on failure. */
export function parseExperiment(raw: unknown, where: string): ExperimentDefinition {
  if (!validate(raw)) {
    const issue = validate.errors?.[0];
    const field = fieldName(where, issue?.instancePath ?? '', issue as never);
    throw new ServerError('BAD_REQUEST', `${where}: ${field} ${issue?.message ?? 'is invalid'}`);
  }
  return checkExperiment(raw as ExperimentDefinition, where);
}
