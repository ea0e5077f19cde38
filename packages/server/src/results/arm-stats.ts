import type { ArmStats } from '@edgewise/stats';
import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';

/**
 * Aggregates as the statistics library reads them. An arm counts as pulled at least once per reward,
 * so a reward whose exposure event never arrived still keeps successes ≤ pulls.
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
