import { conditionProblem, experimentDefinitionSchema, guardrailProblem } from '@edgewise/protocol';
import { Ajv } from 'ajv';
import { ServerError } from '../errors.js';
import { fieldName } from '../http/error-handler.js';
import type { ExperimentDefinition } from '../storage/records.js';

/** An experiment as an admin defines it; the protocol's strict definition schema. */
export const experimentSchema = experimentDefinitionSchema;

/** A definition as it may arrive: re-imported exports carry the server's policy state, dropped here. */
type IncomingDefinition = ExperimentDefinition & {
  policyVersion?: number | string;
  policyWeights?: number[] | null;
  contextWeights?: unknown;
};

/**
 * Checks what a schema cannot: unique arm names, weights that can split traffic, (on a re-imported
 * export) one policy weight per arm, the condition's grammar, a non-empty namespace range and one
 * bound of the right kind per guardrail.
 */
export function checkExperiment(raw: IncomingDefinition, where = 'body'): ExperimentDefinition {
  const bad = (message: string): never => {
    throw new ServerError('BAD_REQUEST', `${where}: ${message}`);
  };
  const names = new Set<string>();
  raw.arms.forEach((arm, i) => {
    if (names.has(arm.name)) {
      bad(`arms[${i}].name "${arm.name}" is used by another arm; arm names must be unique`);
    }
    names.add(arm.name);
  });
  if (raw.arms.reduce((s, a) => s + a.weight, 0) <= 0) bad('arms[].weight must not all be 0');
  const weights = raw.policyWeights;
  if (weights != null) {
    if (weights.length !== raw.arms.length) {
      bad(`policyWeights must have one weight per arm (${raw.arms.length}), got ${weights.length}`);
    }
    if (weights.reduce((s, w) => s + w, 0) <= 0) bad('policyWeights must not all be 0');
  }
  const reward = raw.reward;
  if (reward && 'min' in reward && !(reward.min < reward.max)) {
    bad(`reward: reward.min (${reward.min}) must be below reward.max (${reward.max})`);
  }
  if (raw.policy && raw.type !== 'bandit') {
    bad(
      raw.type === 'contextual'
        ? 'policy is for type "bandit": a contextual experiment always runs hierarchical Thompson sampling per device class; remove it'
        : 'policy is only for type "bandit"; remove it or change type',
    );
  }
  if (raw.objective && raw.type !== 'contextual') {
    bad(
      'objective is only for type "contextual" (a bandit learns from rewards alone); remove it or change type',
    );
  }
  if (raw.condition !== undefined) {
    const problem = conditionProblem(raw.condition);
    if (problem) bad(problem);
  }
  if (raw.namespace) {
    const [from, to] = raw.namespace.range;
    if (!(from < to))
      bad(`namespace.range: from (${from}) must be below to (${to}); the range is [from, to) within [0, 1]`);
  }
  raw.guardrails?.forEach((g, i) => {
    const problem = guardrailProblem(g, `guardrails[${i}]`);
    if (problem) bad(problem);
  });
  const { policyVersion: _v, policyWeights: _w, contextWeights: _c, ...definition } = raw;
  return raw.type === 'bandit' ? { ...definition, policy: raw.policy ?? 'thompson' } : definition;
}

const validate = new Ajv({ allErrors: false }).compile(experimentSchema);

/** Validates one definition from a config file, naming the field on failure. */
export function parseExperiment(raw: unknown, where: string): ExperimentDefinition {
  if (!validate(raw)) {
    const issue = validate.errors?.[0];
    const field = fieldName(where, issue?.instancePath ?? '', issue as never);
    const detail =
      issue?.keyword === 'additionalProperties'
        ? `has an unknown property "${String(issue.params.additionalProperty)}"`
        : (issue?.message ?? 'is invalid');
    throw new ServerError('BAD_REQUEST', `${where}: ${field} ${detail}`);
  }
  return checkExperiment(raw as IncomingDefinition, where);
}
