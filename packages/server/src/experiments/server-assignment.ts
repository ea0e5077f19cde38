import { createHash } from 'node:crypto';
import {
  type Attributes,
  type Condition,
  type DeviceClass,
  evaluateCondition,
  type Holdout,
} from '@edgewise/protocol';
import type { ServedExperiment } from './served-experiment.js';

/**
 * The server's own implementation of the assignment every SDK makes (packages/sdk/docs/assignment.md),
 * written from the spec rather than imported, so the shared vectors (targeting.json) test two
 * implementations against each other and a drift in either shows.
 */

export type AssignReason = 'assigned' | 'holdout' | 'namespace' | 'condition' | 'coverage' | 'stopped';

export interface ServerAssignment {
  arm: string;
  inExperiment: boolean;
  reason: AssignReason;
  /** The propensity to log: the arm's share of traffic, 1 when not in the experiment. */
  probability: number;
}

const BUCKETS = 10_000;

/** First 4 bytes of md5("${seed}:${userId}") (UTF-8), big-endian, mod 10000, over 10000. */
export function hashToUnit(userId: string, seed: number | string): number {
  const digest = createHash('md5').update(`${seed}:${userId}`, 'utf8').digest();
  return (digest.readUInt32BE(0) % BUCKETS) / BUCKETS;
}

/** Stopped experiments, holdout, namespace, condition, coverage, then the arm: in that order. */
export function assignExperiment(
  userId: string,
  experiment: ServedExperiment,
  attributes: Attributes,
  holdout: Holdout | undefined,
  deviceClass?: DeviceClass,
): ServerAssignment {
  const outside = (reason: AssignReason): ServerAssignment => ({
    arm: experiment.arms[0]!.name,
    inExperiment: false,
    reason,
    probability: 1,
  });
  if (experiment.stopped) return outside('stopped');
  if (holdout && hashToUnit(userId, `holdout:${holdout.seed}`) < holdout.share) return outside('holdout');
  if (experiment.namespace) {
    const [from, to] = experiment.namespace.range;
    const unit = hashToUnit(userId, `ns:${experiment.namespace.name}`);
    if (!(unit >= from && unit < to)) return outside('namespace');
  }
  if (experiment.condition && !evaluateCondition(experiment.condition as Condition, attributes))
    return outside('condition');

  const byClass =
    experiment.type === 'contextual' && deviceClass ? experiment.contextWeights?.[deviceClass] : undefined;
  const base = byClass ?? experiment.policyWeights ?? experiment.arms.map((arm) => arm.weight);
  const weights = experiment.type === 'ab' ? base : base.map((w, i) => (experiment.arms[i]!.stopped ? 0 : w));
  // Summed left to right in float64, as every SDK does: the range edges must match to the last bit.
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return outside('stopped');
  const coverage = experiment.coverage ?? 1;
  const unit = hashToUnit(userId, experiment.seed);
  let start = 0;
  for (const [i, w] of weights.entries()) {
    const share = w / total;
    if (unit >= start && unit < start + coverage * share) {
      // A stopped A/B arm keeps its range (nobody else moves); its users run control, unlogged.
      if (experiment.arms[i]!.stopped) return outside('stopped');
      return { arm: experiment.arms[i]!.name, inExperiment: true, reason: 'assigned', probability: share };
    }
    start += share;
  }
  return outside('coverage');
}

/** A user's assignment in every experiment, keyed by experiment key. */
export function assignAll(
  userId: string,
  attributes: Attributes,
  experiments: readonly ServedExperiment[],
  holdout: Holdout | undefined,
  deviceClass?: DeviceClass,
): Record<string, ServerAssignment> {
  return Object.fromEntries(
    experiments.map((e) => [e.key, assignExperiment(userId, e, attributes, holdout, deviceClass)]),
  );
}
