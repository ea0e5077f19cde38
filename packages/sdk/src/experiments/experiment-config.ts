import {
  conditionProblem,
  GUARDRAIL_METRICS,
  type Guardrail,
  guardrailProblem,
  isDeviceClass,
} from '@edgewise/protocol';
import { EdgewiseError } from '../errors.js';
import type { ExperimentArm, ExperimentConfig } from './experiment-types.js';

// Hand-written rather than compiled from @edgewise/protocol's schema, to keep Ajv out of the
// bundle; test/experiments/protocol-vectors.test.ts holds it to the shared experiment vectors.
const TYPES = new Set(['ab', 'bandit', 'contextual']);
const POLICIES = new Set(['thompson', 'ucb1', 'epsilon-greedy']);
/** Keys, arm names, models, versions and variants: the protocol's NAME_PATTERN. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_ARMS = 64;

function fail(key: unknown, problem: string): never {
  const name = typeof key === 'string' && key ? `experiment "${key}"` : 'experiment';
  throw new EdgewiseError('CONFIG', `${name}: ${problem}. Fix the experiment definition on the server.`, {
    details: { experiment: key },
  });
}

function checkWeights(
  key: string,
  weights: readonly unknown[],
  what: string,
  field: (i: number | '') => string,
): void {
  let total = 0;
  for (const [i, weight] of weights.entries()) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      fail(key, `${what}[${i}] (${field(i)}) must be a finite number >= 0, got ${JSON.stringify(weight)}`);
    }
    total += weight;
  }
  if (!(total > 0)) fail(key, `${what} (${field('')}) must not all be zero`);
}

const MAX_REWARD_BOUND = 1e9;

function checkRewardSpec(key: string, reward: unknown): void {
  if (typeof reward !== 'object' || reward === null) fail(key, '"reward" must be an object');
  const r = reward as Record<string, unknown>;
  for (const name of Object.keys(r)) {
    if (name !== 'binary' && name !== 'min' && name !== 'max')
      fail(key, `reward.${name} is not a reward property (binary, min, max)`);
  }
  if ('binary' in r) {
    if (r.binary !== true) fail(key, 'reward.binary must be true (omit it for a range)');
    if ('min' in r || 'max' in r) fail(key, 'reward: give either binary or min and max, not both');
    return;
  }
  for (const bound of ['min', 'max'] as const) {
    const v = r[bound];
    if (typeof v !== 'number' || !(Math.abs(v) <= MAX_REWARD_BOUND))
      fail(key, `reward.${bound} must be a number in [-1e9, 1e9], got ${JSON.stringify(v)}`);
  }
  if (!((r.min as number) < (r.max as number))) fail(key, 'reward: reward.min must be below reward.max');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNamespace(key: string, namespace: unknown): void {
  if (!isObject(namespace)) fail(key, '"namespace" must be an object { name, range: [from, to] }');
  if (typeof namespace.name !== 'string' || !NAME.test(namespace.name))
    fail(key, 'namespace.name must be 1-128 letters, digits, ".", "_" or "-"');
  const range = namespace.range;
  const inUnit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;
  if (!Array.isArray(range) || range.length !== 2 || !inUnit(range[0]) || !inUnit(range[1]))
    fail(key, `namespace.range must be [from, to] within [0, 1], got ${JSON.stringify(range)}`);
  if (!(range[0] < range[1])) fail(key, `namespace.range: from (${range[0]}) must be below to (${range[1]})`);
}

const BOUNDS = ['maxAbsolute', 'maxRelativeIncrease', 'minAbsolute', 'maxRelativeDecrease'] as const;

function checkGuardrails(key: string, guardrails: unknown): void {
  if (!Array.isArray(guardrails)) fail(key, '"guardrails" must be an array');
  for (const [i, g] of guardrails.entries()) {
    const at = `guardrails[${i}]`;
    if (!isObject(g) || !(GUARDRAIL_METRICS as readonly unknown[]).includes(g.metric))
      fail(key, `${at}.metric must be one of ${GUARDRAIL_METRICS.join(', ')}`);
    for (const field of [...BOUNDS, 'alpha', 'minSamples'] as const) {
      const v = g[field];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v)))
        fail(key, `${at}.${field} must be a number, got ${JSON.stringify(v)}`);
    }
    const problem = guardrailProblem(g as unknown as Guardrail, at);
    if (problem) fail(key, problem);
  }
}

/** A stop as the server serves it: `{ at, by, reason, metric? }`. */
function checkStop(key: string, stop: unknown, at: string): void {
  if (
    !isObject(stop) ||
    typeof stop.at !== 'number' ||
    (stop.by !== 'guardrail' && stop.by !== 'admin') ||
    typeof stop.reason !== 'string'
  ) {
    fail(key, `${at} must be { at: epoch ms, by: "guardrail" | "admin", reason: text }`);
  }
}

/**
 * Throws CONFIG when `value` is not a reward the experiment declares (the collector would refuse it
 * for good); an experiment without a `reward` declaration takes any finite number.
 */
export function checkRewardValue(config: ExperimentConfig, value: number): void {
  const reward = config.reward;
  if (!reward) return;
  const ok = 'binary' in reward ? value === 0 || value === 1 : value >= reward.min && value <= reward.max;
  if (!ok) {
    const allowed = 'binary' in reward ? '0 or 1' : `in [${reward.min}, ${reward.max}]`;
    throw new EdgewiseError(
      'CONFIG',
      `experiment "${config.key}" takes rewards ${allowed}, got ${value}; the collector would refuse it`,
      { details: { experiment: config.key, value } },
    );
  }
}

/** Per device class, one weight per arm; a class this SDK does not know is refused like any bad field. */
function checkContextWeights(key: string, value: unknown, arms: number): void {
  if (typeof value !== 'object' || Array.isArray(value))
    fail(key, '"contextWeights" must be an object of device class → weights');
  for (const [name, weights] of Object.entries(value as Record<string, unknown>)) {
    if (!isDeviceClass(name)) fail(key, `"contextWeights" names an unknown device class "${name}"`);
    if (!Array.isArray(weights) || weights.length !== arms)
      fail(key, `contextWeights["${name}"] must have one weight per arm (${arms})`);
    checkWeights(key, weights, `contextWeights["${name}"]`, (i) =>
      i === '' ? `contextWeights["${name}"]` : `contextWeights["${name}"][${i}]`,
    );
  }
}

/**
 * Checks an experiment from the network and returns it typed; throws CONFIG with the field at fault.
 *
 * @example
 * const exp = validateExperiment(await (await fetch('/v1/experiments/iris')).json());
 */
export function validateExperiment(value: unknown): ExperimentConfig {
  if (typeof value !== 'object' || value === null) fail(undefined, 'expected an object');
  const config = value as Partial<ExperimentConfig> & Record<string, unknown>;
  const key = config.key;
  if (typeof key !== 'string' || !NAME.test(key)) {
    fail(key, `"key" must be 1-128 letters, digits, ".", "_" or "-", got ${JSON.stringify(key)}`);
  }
  if (!TYPES.has(config.type as string))
    fail(key, `"type" must be "ab", "bandit" or "contextual", got ${JSON.stringify(config.type)}`);
  const seed = config.seed;
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isSafeInteger(seed)))) {
    fail(key, `"seed" must be an integer or a string, got ${JSON.stringify(seed)}`);
  }
  if (config.policy !== undefined && !POLICIES.has(config.policy)) {
    fail(key, `"policy" must be one of thompson, ucb1, epsilon-greedy, got ${JSON.stringify(config.policy)}`);
  }
  const version = config.policyVersion;
  if (!(typeof version === 'string' || (typeof version === 'number' && Number.isFinite(version)))) {
    fail(key, `"policyVersion" must be a number or a string, got ${JSON.stringify(version)}`);
  }
  if (!Array.isArray(config.arms) || config.arms.length === 0 || config.arms.length > MAX_ARMS) {
    fail(key, `"arms" must be a non-empty array of at most ${MAX_ARMS} arms`);
  }
  const names = new Set<string>();
  for (const [i, arm] of (config.arms as unknown[]).entries()) {
    const a = (arm ?? {}) as Partial<ExperimentArm>;
    for (const field of ['name', 'model', 'version', 'variant'] as const) {
      if (field === 'variant' && a.variant === undefined) continue;
      if (typeof a[field] !== 'string' || !NAME.test(a[field])) {
        fail(key, `arms[${i}].${field} must be 1-128 letters, digits, ".", "_" or "-"`);
      }
    }
    if (names.has(a.name!)) fail(key, `arms[${i}].name: arm name "${a.name}" appears twice`);
    names.add(a.name!);
  }
  checkWeights(
    key,
    config.arms.map((arm) => arm.weight),
    'arm weights',
    (i) => `arms[${i}].weight`,
  );
  if (config.policyWeights != null) {
    if (!Array.isArray(config.policyWeights) || config.policyWeights.length !== config.arms.length) {
      fail(key, `"policyWeights" must have one weight per arm (${config.arms.length})`);
    }
    checkWeights(key, config.policyWeights, 'policyWeights', (i) =>
      i === '' ? 'policyWeights' : `policyWeights[${i}]`,
    );
  }
  if (config.contextWeights != null) checkContextWeights(key, config.contextWeights, config.arms.length);
  const coverage = config.coverage;
  if (coverage !== undefined && !(typeof coverage === 'number' && coverage >= 0 && coverage <= 1)) {
    fail(key, `"coverage" is the share of users in the experiment and must be in [0, 1], got ${coverage}`);
  }
  if (config.sticky !== undefined && typeof config.sticky !== 'boolean')
    fail(key, '"sticky" must be a boolean');
  if (config.reward !== undefined) checkRewardSpec(key, config.reward);
  if (config.condition !== undefined) {
    const problem = conditionProblem(config.condition);
    if (problem) fail(key, problem);
  }
  if (config.namespace !== undefined) checkNamespace(key, config.namespace);
  if (config.guardrails !== undefined) checkGuardrails(key, config.guardrails);
  if (config.stopped !== undefined) checkStop(key, config.stopped, '"stopped"');
  for (const [i, arm] of config.arms.entries()) {
    if (arm.stopped !== undefined) checkStop(key, arm.stopped, `arms[${i}].stopped`);
  }
  return config as ExperimentConfig;
}
