import { nameSchema } from './common.js';
import type { Condition } from './condition.js';
import { DEVICE_CLASSES, type DeviceClass } from './device-class.js';

/**
 * `ab`: fixed weights. `bandit`: the server re-weights arms from their rewards. `contextual`: a bandit
 * that learns per device class (device-class.ts) which arm does best there, and serves weights per class.
 */
export type ExperimentType = 'ab' | 'bandit' | 'contextual';
export const EXPERIMENT_TYPES = ['ab', 'bandit', 'contextual'] as const;

/**
 * What a contextual experiment maximises per decision, computed on the server from the decision's
 * events: the sum of its rewards, less `latencyWeight` per ms of its predictions' mean latency, less
 * `loadWeight` per ms of its model's load, less `crashWeight` per worker crash. Changing the weights
 * changes the next policy run, with no client release. All default to 0.
 */
export interface Objective {
  latencyWeight?: number;
  loadWeight?: number;
  crashWeight?: number;
}
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

/** An arm as served, with its stop when a guardrail or a person stopped it. */
export interface ServedArm extends ExperimentArm {
  stopped?: ArmStop;
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
  /**
   * Who may enter: a condition over the attributes the app passes (see condition.ts). Users it
   * rejects run control and are not logged.
   */
  condition?: Condition;
  /**
   * A layer: experiments of one namespace take disjoint ranges of `hashToUnit(userId, "ns:" + name)`,
   * so a user is in at most one of them. `range` is `[from, to)` within [0, 1].
   */
  namespace?: NamespaceRange;
  /** Health and reward bounds the server watches; a breach stops the arm (see Guardrail). */
  guardrails?: Guardrail[];
  /** The composite reward a contextual experiment learns from; only for type `contextual`. */
  objective?: Objective;
}

export interface NamespaceRange {
  name: string;
  range: [from: number, to: number];
}

/**
 * What a guardrail watches, per arm. Rates are per predict call; latency and load time in ms;
 * `drift` is the largest PSI today between the arm's device summaries and its file's baseline.
 */
export const GUARDRAIL_METRICS = [
  'latency_p95',
  'error_rate',
  'crash_rate',
  'load_ms',
  'reward',
  'drift',
] as const;
export type GuardrailMetric = (typeof GUARDRAIL_METRICS)[number];

/**
 * A bound on one metric of every non-control arm, tested after each batch with an always-valid test
 * at level `alpha` (default 0.05), so stopping as soon as it is breached keeps the false-stop rate at
 * most alpha. Exactly one bound: `maxAbsolute` / `maxRelativeIncrease` (arm vs control, 0.2 = 20%
 * worse) for latency_p95, error_rate, crash_rate and load_ms; `minAbsolute` / `maxRelativeDecrease`
 * for reward (mean reward per decision). `drift` takes `maxAbsolute` only (a PSI, e.g. 0.25; no test:
 * it is a distance between distributions) and `minSamples` counts the predictions summarized.
 */
export interface Guardrail {
  metric: GuardrailMetric;
  maxAbsolute?: number;
  maxRelativeIncrease?: number;
  minAbsolute?: number;
  maxRelativeDecrease?: number;
  alpha?: number;
  /** Samples an arm needs (and control needs, for relative bounds) before it is tested. Default 20. */
  minSamples?: number;
}

export const MAX_GUARDRAILS = 16;

/** Why and when an arm (or, on the experiment, all of it) was stopped. */
export interface ArmStop {
  /** Epoch ms. */
  at: number;
  by: 'guardrail' | 'admin';
  reason: string;
  metric?: GuardrailMetric;
}

/** A share of users no experiment touches: `hashToUnit(userId, "holdout:" + seed) < share`. */
export interface Holdout {
  share: number;
  seed: string;
}

/**
 * What is wrong with a holdout, or undefined: the one rule the server (for its options) and the SDK
 * (for a served list) both hold it to.
 */
export function holdoutProblem(holdout: unknown): string | undefined {
  if (typeof holdout !== 'object' || holdout === null) return 'holdout must be an object { share, seed }';
  const { share, seed } = holdout as Partial<Holdout>;
  if (!(typeof share === 'number' && share >= 0 && share <= 1))
    return `holdout share must be a number in [0, 1] (0.05 holds out 5% of users), got ${JSON.stringify(share)}`;
  if (typeof seed !== 'string' || seed.length === 0 || seed.length > 128)
    return 'holdout seed must be a non-empty string of at most 128 characters; changing it changes who is held out';
  return undefined;
}

/** GET /v1/experiments: the experiments and the global holdout. */
export interface ExperimentList {
  experiments: ExperimentConfig[];
  holdout?: Holdout;
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
export interface ExperimentConfig extends Omit<ExperimentDefinition, 'arms'> {
  arms: ServedArm[];
  policyVersion: number | string;
  /**
   * Set when the whole experiment is stopped: everyone runs control and nothing is logged. A stopped
   * arm says so on the arm: A/B users in its range run control, unlogged; bandits give it weight 0.
   */
  stopped?: ArmStop;
  /** Bandit weights from the server's last policy run, index-aligned with `arms`; override arm weights. */
  policyWeights?: number[] | null;
  /**
   * Contextual experiments: weights per device class from the last policy run, each index-aligned
   * with `arms`; a class not listed uses `policyWeights`.
   */
  contextWeights?: Partial<Record<DeviceClass, number[]>> | null;
}

const stopSchema = {
  type: 'object',
  required: ['at', 'by', 'reason'],
  properties: {
    at: { type: 'number' },
    by: { type: 'string', enum: ['guardrail', 'admin'] },
    reason: { type: 'string', maxLength: 1024 },
    metric: { type: 'string', enum: GUARDRAIL_METRICS },
  },
} as const;

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

/** What a guardrail must say beyond its schema, or undefined: one bound, of the metric's kind. */
export function guardrailProblem(g: Guardrail, at: string): string | undefined {
  const bounds = (
    ['maxAbsolute', 'maxRelativeIncrease', 'minAbsolute', 'maxRelativeDecrease'] as const
  ).filter((b) => g[b] !== undefined);
  if (bounds.length !== 1)
    return `${at}: give exactly one bound (maxAbsolute, maxRelativeIncrease, minAbsolute or maxRelativeDecrease), got ${bounds.length}`;
  const lowerIsWorse = g.metric === 'reward';
  const bound = bounds[0]!;
  if (g.metric === 'drift' && bound !== 'maxAbsolute')
    return `${at}: a drift guardrail bounds the day's largest PSI against the baseline: use maxAbsolute (e.g. 0.25)`;
  if (lowerIsWorse !== (bound === 'minAbsolute' || bound === 'maxRelativeDecrease'))
    return lowerIsWorse
      ? `${at}: a reward guardrail bounds a drop: use minAbsolute or maxRelativeDecrease`
      : `${at}: ${g.metric} guardrails bound a rise: use maxAbsolute or maxRelativeIncrease`;
  if (
    (g.metric === 'error_rate' || g.metric === 'crash_rate') &&
    bound === 'maxAbsolute' &&
    g.maxAbsolute! >= 1
  )
    return `${at}: ${g.metric} is a share of predict calls: maxAbsolute must be below 1`;
  return undefined;
}

const fields = {
  key: nameSchema,
  type: { type: 'string', enum: EXPERIMENT_TYPES },
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
  // The condition's grammar is checked by conditionProblem(); a schema could not name the fault as well.
  condition: { type: 'object' },
  namespace: {
    type: 'object',
    required: ['name', 'range'],
    additionalProperties: false,
    properties: {
      name: nameSchema,
      range: {
        type: 'array',
        minItems: 2,
        maxItems: 2,
        items: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
  },
  guardrails: {
    type: 'array',
    maxItems: MAX_GUARDRAILS,
    items: {
      type: 'object',
      required: ['metric'],
      additionalProperties: false,
      properties: {
        metric: { type: 'string', enum: GUARDRAIL_METRICS },
        maxAbsolute: { type: 'number', minimum: 0 },
        maxRelativeIncrease: { type: 'number', exclusiveMinimum: 0 },
        minAbsolute: { type: 'number' },
        maxRelativeDecrease: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        alpha: { type: 'number', exclusiveMinimum: 0, maximum: 0.5 },
        minSamples: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      },
    },
  },
  objective: {
    type: 'object',
    additionalProperties: false,
    properties: {
      latencyWeight: { type: 'number', minimum: 0, maximum: 1e6 },
      loadWeight: { type: 'number', minimum: 0, maximum: 1e6 },
      crashWeight: { type: 'number', minimum: 0, maximum: 1e6 },
    },
  },
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
    stopped: stopSchema,
    contextWeights: {
      anyOf: [
        {
          type: 'object',
          propertyNames: { enum: DEVICE_CLASSES },
          additionalProperties: { type: 'array', items: { type: 'number', minimum: 0 } },
        },
        { type: 'null' },
      ],
    },
    arms: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ARMS,
      items: { ...armSchema, properties: { ...armSchema.properties, stopped: stopSchema } },
    },
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
    contextWeights: { anyOf: [{ type: 'object' }, { type: 'null' }] },
    arms: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ARMS,
      items: { ...armSchema, additionalProperties: false },
    },
  },
} as const;
