import { nameSchema } from './common.js';

export type ExperimentType = 'ab' | 'bandit';
export type BanditPolicyName = 'thompson' | 'ucb1' | 'epsilon-greedy';
export const BANDIT_POLICIES = ['thompson', 'ucb1', 'epsilon-greedy'] as const;
export const MAX_ARMS = 64;

/** One arm: which model version users in it get, and its share of traffic. */
export interface ExperimentArm {
  name: string;
  model: string;
  version: string;
  /** A variant id of that version in the manifest (e.g. 'int8'); absent means the SDK picks. */
  variant?: string;
  /** Relative weight (any non-negative scale); shares are weight / sum of weights. */
  weight: number;
}

/** What an admin defines (POST /v1/experiments, `--experiments file.json`). */
export interface ExperimentDefinition {
  key: string;
  type: ExperimentType;
  /** Integer or string; part of the hashed text, so changing it reshuffles every user. */
  seed: number | string;
  arms: ExperimentArm[];
  policy?: BanditPolicyName;
  /** Share of users in [0, 1] who enter the experiment; the rest are held out. Default 1; 0 pauses it. */
  coverage?: number;
  /** Keep a user's first arm while a bandit re-weights. Default false. */
  sticky?: boolean;
  /**
   * What a reward may be: `{ binary: true }` (a conversion, 0 or 1) or a closed range. The collector
   * refuses reward events outside it; without it, |value| ≤ 1e6.
   */
  reward?: RewardSpec;
}

/** The values a reward event of an experiment may carry. */
export type RewardSpec = { binary: true } | { min: number; max: number };

/** The largest |bound| a declared range may have: squared sums of many such rewards stay finite. */
export const MAX_REWARD_BOUND = 1e9;

/**
 * An experiment as `GET /v1/experiments` serves it.
 *
 * @example
 * const exp: ExperimentConfig = {
 *   key: 'iris-int8-vs-fp32', type: 'ab', seed: 7, policyVersion: 1,
 *   arms: [{ name: 'fp32', model: 'iris', version: '1.0.0', weight: 1 },
 *          { name: 'int8', model: 'iris', version: '1.1.0', weight: 1 }],
 * };
 */
export interface ExperimentConfig extends ExperimentDefinition {
  policyVersion: number | string;
  /** Bandit weights from the server's last policy run, index-aligned with `arms`; override arm weights. */
  policyWeights?: number[] | null;
}

const armSchema = {
  type: 'object',
  required: ['name', 'model', 'version', 'weight'],
  properties: {
    name: nameSchema,
    model: nameSchema,
    version: nameSchema,
    variant: nameSchema,
    weight: { type: 'number', minimum: 0 },
  },
} as const;

// Seeds are printed into the hashed text; beyond 2^53 JavaScript and Python print them differently.
const seedSchema = {
  anyOf: [
    { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
    { type: 'string' },
  ],
} as const;

const fields = {
  key: nameSchema,
  type: { type: 'string', enum: ['ab', 'bandit'] },
  seed: seedSchema,
  policy: { type: 'string', enum: BANDIT_POLICIES },
  policyVersion: { anyOf: [{ type: 'number' }, { type: 'string' }] },
  policyWeights: {
    anyOf: [{ type: 'array', items: { type: 'number', minimum: 0 } }, { type: 'null' }],
  },
  coverage: { type: 'number', minimum: 0, maximum: 1 },
  sticky: { type: 'boolean' },
  // One object rather than oneOf, so a bad bound is reported at its own path; "binary, or both
  // min and max, min < max" is checked after the schema (oneOf below only refuses a half range).
  reward: {
    type: 'object',
    additionalProperties: false,
    properties: {
      binary: { const: true },
      min: { type: 'number', minimum: -MAX_REWARD_BOUND, maximum: MAX_REWARD_BOUND },
      max: { type: 'number', minimum: -MAX_REWARD_BOUND, maximum: MAX_REWARD_BOUND },
    },
    oneOf: [{ required: ['binary'] }, { required: ['min', 'max'] }],
  },
} as const;

/**
 * A served experiment. Unknown properties are ignored so an older SDK can read a newer server's
 * configs. What a schema cannot say (unique arm names, weights not all zero, one policy weight per
 * arm, a reward range with min below max) every reader checks after validation.
 */
export const experimentConfigSchema = {
  type: 'object',
  required: ['key', 'type', 'seed', 'arms', 'policyVersion'],
  properties: {
    ...fields,
    arms: { type: 'array', minItems: 1, maxItems: MAX_ARMS, items: armSchema },
  },
} as const;

/**
 * What an admin sends. Strict, so a misspelt field is refused instead of silently ignored.
 * `policyVersion` and `policyWeights` are accepted so a served experiment can be re-imported; the
 * server owns their real values.
 */
export const experimentDefinitionSchema = {
  type: 'object',
  required: ['key', 'type', 'seed', 'arms'],
  additionalProperties: false,
  properties: {
    ...fields,
    arms: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ARMS,
      items: { ...armSchema, additionalProperties: false },
    },
  },
} as const;
