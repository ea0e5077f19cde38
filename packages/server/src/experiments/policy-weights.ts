import { epsilonGreedy, isStatsError, thompsonWeights, ucb1 } from '@edgewise/stats';
import { ServerError } from '../errors.js';
import { armsWithStats, isBinary } from '../results/arm-stats.js';
import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';

/** Every arm keeps this share, so a bandit that was unlucky early can still recover. */
const MIN_WEIGHT = 0.01;
const EPSILON = 0.1;

/**
 * The next bandit weights, index-aligned with the experiment's arms. Thompson sampling is seeded by
 * the experiment key and the policy version it will become, so every replica computing the same
 * version from the same aggregates gets the same weights.
 */
export function policyWeights(record: ExperimentRecord, rows: readonly ArmAggregate[]): number[] {
  const arms = armsWithStats(record, rows);
  const minWeight = Math.min(MIN_WEIGHT, 1 / arms.length);
  try {
    const weights =
      record.policy === 'ucb1'
        ? ucb1(arms, { minWeight })
        : record.policy === 'epsilon-greedy'
          ? epsilonGreedy(arms, EPSILON)
          : thompsonWeights(arms, {
              model: isBinary(rows) ? 'bernoulli' : 'gaussian',
              seed: `${record.key}:policy-v${record.policyVersion + 1}`,
              minWeight,
            });
    return weights.map((w) => w.weight);
  } catch (error) {
    if (isStatsError(error)) {
      throw new ServerError(
        'CONFLICT',
        `cannot compute ${record.policy ?? 'thompson'} weights for "${record.key}": ${error.message}`,
      );
    }
    throw error;
  }
}
