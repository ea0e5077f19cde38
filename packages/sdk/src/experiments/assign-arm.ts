import { EdgewiseError } from '../errors.js';
import { armShares, bucketRanges, rangeIndex } from './bucket-ranges.js';
import { validateExperiment } from './experiment-config.js';
import type { ArmAssignment, Assignment, ExperimentConfig, ServerPolicy } from './experiment-types.js';
import { hashToUnit } from './hash-to-unit.js';
import { requireUserId } from './seed-text.js';

/** The weights in force: an explicit server policy, else the config's policy weights, else arm weights. */
function effectiveWeights(experiment: ExperimentConfig, policy?: ServerPolicy): readonly number[] {
  if (policy) {
    if (policy.weights.length !== experiment.arms.length) {
      throw new EdgewiseError(
        'CONFIG',
        `experiment "${experiment.key}": the policy has ${policy.weights.length} weights for ${experiment.arms.length} arms; refetch the experiment and its policy together.`,
      );
    }
    return policy.weights;
  }
  return experiment.policyWeights ?? experiment.arms.map((arm) => arm.weight);
}

/**
 * Deterministic arm for a user: `hashToUnit(userId, experiment.seed)` against the arms' bucket ranges.
 * `probability` is the chosen arm's share of traffic (the propensity to log). A user outside
 * `coverage` gets arm 0 with `inExperiment: false` and probability 1, and must not be logged.
 *
 * @example
 * const { arm, probability } = assignArm('user-123', experiment);
 */
export function assignArm(
  userId: string,
  experiment: ExperimentConfig,
  policy?: ServerPolicy,
): ArmAssignment & { inExperiment: boolean } {
  requireUserId(userId, 'assignArm');
  const exp = validateExperiment(experiment);
  const weights = effectiveWeights(exp, policy);
  const ranges = bucketRanges(weights, exp.coverage ?? 1);
  const index = rangeIndex(hashToUnit(userId, exp.seed), ranges);
  if (index < 0) return { arm: exp.arms[0]!.name, index: 0, probability: 1, inExperiment: false };
  return {
    arm: exp.arms[index]!.name,
    index,
    probability: armShares(weights)[index]!,
    inExperiment: true,
  };
}

/**
 * The arm a user gets under the server's current policy, with the model version to load and the
 * policy version to log. Pure and synchronous; `StickyAssignments.choose` adds stickiness on top.
 *
 * @example
 * const a = chooseArm('user-123', experiment, { weights: [0.7, 0.3], policyVersion: 12 });
 * await ew.load(a.model, { version: a.version });
 */
export function chooseArm(userId: string, experiment: ExperimentConfig, policy?: ServerPolicy): Assignment {
  const picked = assignArm(userId, experiment, policy);
  return { ...armAt(experiment, picked.index, policy), ...picked };
}

/**
 * Arm 0, control, as an assignment: what held-out users and users whose device cannot run their
 * arm get. `inExperiment` is false: nothing of theirs is logged.
 */
export function controlArm(experiment: ExperimentConfig, policy?: ServerPolicy): Assignment {
  return { ...armAt(experiment, 0, policy), arm: experiment.arms[0]!.name, index: 0, probability: 1 };
}

function armAt(
  experiment: ExperimentConfig,
  index: number,
  policy: ServerPolicy | undefined,
): Omit<Assignment, 'arm' | 'index' | 'probability'> {
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
