import type { ArmStats } from '@edgewise/stats';
import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';

/**
 * Event-level aggregates as the bandit policies read them. An arm counts as pulled at least once
 * per reward, so a reward whose exposure event never arrived still keeps successes ≤ pulls. The
 * results do not use these: they count users (A/B) or decisions (bandits), see {@link armSample}.
 */
export function toArmStats(name: string, row: ArmAggregate | undefined): ArmStats {
  if (!row) return { name, pulls: 0, rewardSum: 0, rewardSumSquares: 0 };
  return {
    name,
    pulls: Math.max(row.exposures, row.rewardCount),
    rewardSum: row.rewardSum,
    rewardSumSquares: row.rewardSumSq,
  };
}

/** Rewards are 0/1 exactly when Σr² = Σr (r² = r only for 0 and 1); then proportions apply. */
export function isBinary(rows: readonly ArmAggregate[]): boolean {
  return rows.every((r) => Math.abs(r.rewardSumSq - r.rewardSum) < 1e-9 && r.rewardSum >= 0);
}

/** The experiment's arms in definition order, with their aggregates (zeros before any event). */
export function armsWithStats(record: ExperimentRecord, rows: readonly ArmAggregate[]): ArmStats[] {
  return record.arms.map((arm) =>
    toArmStats(
      arm.name,
      rows.find((r) => r.arm === arm.name),
    ),
  );
}

/** One arm's independent units: n of them, with Σx and Σx² of their values. */
export interface ArmSample {
  name: string;
  n: number;
  sum: number;
  sumSquares: number;
}

/**
 * The unit each test counts. Users: a user's value is their reward sum in the experiment, or, for
 * 0/1 rewards, whether they converted at all (so five rewards of one user are one conversion).
 * Decisions: a decision's value is the sum of the rewards that name it by exposureId; a decision
 * with two rewards of 1 is worth 2, so 0/1 rewards stay proportions only while no decision has more.
 */
export function armSample(
  unit: 'users' | 'decisions',
  binary: boolean,
  name: string,
  row: ArmAggregate | undefined,
): ArmSample {
  if (!row) return { name, n: 0, sum: 0, sumSquares: 0 };
  if (unit === 'decisions') {
    return { name, n: row.decisions, sum: row.decisionRewardSum, sumSquares: row.decisionRewardSumSq };
  }
  return binary
    ? { name, n: row.users, sum: row.convertedUsers, sumSquares: row.convertedUsers }
    : { name, n: row.users, sum: row.userRewardSum, sumSquares: row.userRewardSumSq };
}

/** Whether the analysis unit's values are all 0/1, so proportion tests apply. */
export function isBinaryIn(unit: 'users' | 'decisions', rows: readonly ArmAggregate[]): boolean {
  if (unit === 'users') return isBinary(rows);
  return rows.every(
    (r) => Math.abs(r.decisionRewardSumSq - r.decisionRewardSum) < 1e-9 && r.decisionRewardSum >= 0,
  );
}
