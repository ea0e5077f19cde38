import { type Condition, type DeviceClass, evaluateCondition } from '@edgewise/protocol';
import { EdgewiseError } from '../errors.js';
import { armShares, bucketRanges, rangeIndex } from './bucket-ranges.js';
import { validateExperiment } from './experiment-config.js';
import type {
  ArmAssignment,
  Assignment,
  AssignOptions,
  AssignReason,
  ExperimentConfig,
  ServerPolicy,
} from './experiment-types.js';
import { hashToUnit } from './hash-to-unit.js';
import { requireUserId } from './seed-text.js';
import { heldOut, inNamespace } from './targeting.js';

/** A bare `ServerPolicy` as the third argument is what callers before AssignOptions passed. */
export function optionsOf(options: AssignOptions | ServerPolicy | undefined): AssignOptions {
  if (options && 'weights' in options) return { policy: options };
  return options ?? {};
}

/**
 * The weights in force: an explicit server policy, else (contextual) the device class's weights, else
 * the config's policy weights, else arm weights; a bandit's stopped arms get 0, so nobody lands in them.
 */
export function effectiveWeights(
  experiment: ExperimentConfig,
  policy?: ServerPolicy,
  deviceClass?: DeviceClass,
): readonly number[] {
  if (policy && policy.weights.length !== experiment.arms.length) {
    throw new EdgewiseError(
      'CONFIG',
      `experiment "${experiment.key}": the policy has ${policy.weights.length} weights for ${experiment.arms.length} arms; refetch the experiment and its policy together.`,
    );
  }
  const byClass =
    experiment.type === 'contextual' && deviceClass ? experiment.contextWeights?.[deviceClass] : undefined;
  const weights =
    policy?.weights ?? byClass ?? experiment.policyWeights ?? experiment.arms.map((arm) => arm.weight);
  if (experiment.type === 'ab') return weights;
  return weights.map((w, i) => (experiment.arms[i]!.stopped ? 0 : w));
}

type ArmResult = ArmAssignment & { inExperiment: boolean; reason: AssignReason };

/** Why the user cannot enter at all, before any arm is looked at; undefined when they may. */
function exclusion(userId: string, exp: ExperimentConfig, options: AssignOptions): AssignReason | undefined {
  if (exp.stopped) return 'stopped';
  if (heldOut(userId, options.holdout)) return 'holdout';
  if (exp.namespace && !inNamespace(userId, exp.namespace)) return 'namespace';
  if (exp.condition && !evaluateCondition(exp.condition as Condition, options.attributes ?? {}))
    return 'condition';
  return undefined;
}

/**
 * Deterministic arm for a user: `hashToUnit(userId, experiment.seed)` against the arms' bucket ranges,
 * after the stop, holdout, namespace and condition checks (see AssignReason for the order).
 * `probability` is the chosen arm's share of traffic (the propensity to log). A user who is not in
 * the experiment gets arm 0 with `inExperiment: false` and probability 1, and must not be logged.
 *
 * @example
 * const { arm, probability, reason } = assignArm('user-123', experiment, { attributes: { country: 'DE' } });
 */
export function assignArm(
  userId: string,
  experiment: ExperimentConfig,
  options?: AssignOptions | ServerPolicy,
): ArmResult {
  requireUserId(userId, 'assignArm');
  const exp = validateExperiment(experiment);
  const opts = optionsOf(options);
  const outside = (reason: AssignReason): ArmResult => ({
    arm: exp.arms[0]!.name,
    index: 0,
    probability: 1,
    inExperiment: false,
    reason,
  });
  const excluded = exclusion(userId, exp, opts);
  if (excluded) return outside(excluded);
  const weights = effectiveWeights(exp, opts.policy, opts.deviceClass);
  // Only when every arm with weight is a stopped bandit arm: nothing is left to assign.
  if (!weights.some((w) => w > 0)) return outside('stopped');
  const index = rangeIndex(hashToUnit(userId, exp.seed), bucketRanges(weights, exp.coverage ?? 1));
  if (index < 0) return outside('coverage');
  // A stopped A/B arm keeps its range, so no one else moves; the users in it run control.
  if (exp.arms[index]!.stopped) return outside('stopped');
  return {
    arm: exp.arms[index]!.name,
    index,
    probability: armShares(weights)[index]!,
    inExperiment: true,
    reason: 'assigned',
  };
}

/**
 * The arm a user gets under the server's current policy, with the model version to load and the
 * policy version to log. Pure and synchronous; `StickyAssignments.choose` adds stickiness on top.
 *
 * @example
 * const a = chooseArm('user-123', experiment, { policy: { weights: [0.7, 0.3], policyVersion: 12 } });
 * await ew.load(a.model, { version: a.version });
 */
export function chooseArm(
  userId: string,
  experiment: ExperimentConfig,
  options?: AssignOptions | ServerPolicy,
): Assignment {
  const opts = optionsOf(options);
  const picked = assignArm(userId, experiment, opts);
  const context = experiment.type === 'contextual' ? opts.deviceClass : undefined;
  return { ...armAt(experiment, picked.index, opts.policy), ...picked, ...(context ? { context } : {}) };
}

/**
 * Arm 0, control, as an assignment: what held-out users and users whose device cannot run their
 * arm get. `inExperiment` is false: nothing of theirs is logged.
 */
export function controlArm(
  experiment: ExperimentConfig,
  policy?: ServerPolicy,
  reason: AssignReason = 'coverage',
): Assignment {
  return {
    ...armAt(experiment, 0, policy),
    arm: experiment.arms[0]!.name,
    index: 0,
    probability: 1,
    reason,
  };
}

function armAt(
  experiment: ExperimentConfig,
  index: number,
  policy: ServerPolicy | undefined,
): Omit<Assignment, 'arm' | 'index' | 'probability' | 'reason'> {
  const arm = experiment.arms[index]!;
  return {
    experiment: experiment.key,
    model: arm.model,
    version: arm.version,
    ...(arm.variant ? { variant: arm.variant } : {}),
    policyVersion: String(policy?.policyVersion ?? experiment.policyVersion),
    inExperiment: false,
    sticky: false,
  };
}
