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
 * version from the same aggregates gets the same weights. A stopped arm gets 0 and the policy runs
 * on the others alone (so the minimum share is theirs too); a guardrail never stops the last one.
 */
export function policyWeights(record: ExperimentRecord, rows: readonly ArmAggregate[]): number[] {
  const stopped = new Set(record.stops.map((s) => s.arm));
  const all = armsWithStats(record, rows);
  const running = all.filter((a) => !stopped.has(a.name));
  if (running.length === 0 || running.length === all.length) return runningWeights(record, rows, all);
  const weights = runningWeights(record, rows, running);
  const byName = new Map(running.map((a, i) => [a.name, weights[i] ?? 0]));
  return all.map((a) => byName.get(a.name) ?? 0);
}

function runningWeights(
  record: ExperimentRecord,
  rows: readonly ArmAggregate[],
  arms: ReturnType<typeof armsWithStats>,
): number[] {
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
