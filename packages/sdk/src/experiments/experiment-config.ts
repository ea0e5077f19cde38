import { EdgewiseError } from '../errors.js';
import type { ExperimentArm, ExperimentConfig } from './experiment-types.js';

const TYPES = new Set(['ab', 'bandit']);
const POLICIES = new Set(['thompson', 'ucb1', 'epsilon-greedy']);

function fail(key: unknown, problem: string): never {
  const name = typeof key === 'string' && key ? `experiment "${key}"` : 'experiment';
  throw new EdgewiseError('CONFIG', `${name}: ${problem}. Fix the experiment definition on the server.`, {
    details: { experiment: key },
  });
}

function checkWeights(key: string, weights: readonly unknown[], what: string): void {
  let total = 0;
  for (const [i, weight] of weights.entries()) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      fail(key, `${what}[${i}] must be a finite number >= 0, got ${JSON.stringify(weight)}`);
    }
    total += weight;
  }
  if (!(total > 0)) fail(key, `${what} must not all be zero`);
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
  if (typeof key !== 'string' || key.length === 0) fail(key, '"key" must be a non-empty string');
  if (!TYPES.has(config.type as string))
    fail(key, `"type" must be "ab" or "bandit", got ${JSON.stringify(config.type)}`);
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
  if (!Array.isArray(config.arms) || config.arms.length === 0) fail(key, '"arms" must be a non-empty array');
  const names = new Set<string>();
  for (const [i, arm] of (config.arms as unknown[]).entries()) {
    const a = (arm ?? {}) as Partial<ExperimentArm>;
    for (const field of ['name', 'model', 'version'] as const) {
      if (typeof a[field] !== 'string' || a[field].length === 0) {
        fail(key, `arms[${i}].${field} must be a non-empty string`);
      }
    }
    if (names.has(a.name!)) fail(key, `arm name "${a.name}" appears twice`);
    names.add(a.name!);
  }
  checkWeights(
    key,
    config.arms.map((arm) => arm.weight),
    'arm weights',
  );
  if (config.policyWeights != null) {
    if (!Array.isArray(config.policyWeights) || config.policyWeights.length !== config.arms.length) {
      fail(key, `"policyWeights" must have one weight per arm (${config.arms.length})`);
    }
    checkWeights(key, config.policyWeights, 'policyWeights');
  }
  const coverage = config.coverage;
  if (coverage !== undefined && !(typeof coverage === 'number' && coverage >= 0 && coverage <= 1)) {
    fail(key, `"coverage" is the share of users in the experiment and must be in [0, 1], got ${coverage}`);
  }
  if (config.sticky !== undefined && typeof config.sticky !== 'boolean')
    fail(key, '"sticky" must be a boolean');
  return config as ExperimentConfig;
}
