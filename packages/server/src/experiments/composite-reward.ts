import type { Objective } from '@edgewise/protocol';
import type { DecisionOutcome } from '../storage/decision-log.js';

/** One decision as a contextual policy learns from it and OPE scores it. */
export interface ScoredDecision {
  context: string;
  arm: string;
  propensity: number;
  /** The objective's composite reward for this decision. */
  reward: number;
}

export const cellKey = (context: string, arm: string) => `${context}\u0000${arm}`;

/** Decisions and their composite rewards' Σ and Σ² in one (class, arm) cell. */
export interface CellTotals {
  decisions: number;
  rewardSum: number;
  rewardSumSq: number;
}

/** The scored decisions tallied per (class, arm), keyed by {@link cellKey}: what the policy and the dashboard read. */
export function cellTotals(scored: readonly ScoredDecision[]): Map<string, CellTotals> {
  const cells = new Map<string, CellTotals>();
  for (const d of scored) {
    const key = cellKey(d.context, d.arm);
    const cell = cells.get(key) ?? { decisions: 0, rewardSum: 0, rewardSumSq: 0 };
    cell.decisions++;
    cell.rewardSum += d.reward;
    cell.rewardSumSq += d.reward * d.reward;
    cells.set(key, cell);
  }
  return cells;
}

/** Mean of the non-null values per (context, arm): what a decision with no report of its own is given. */
function cellMeans(
  log: readonly DecisionOutcome[],
  value: (d: DecisionOutcome) => number | null,
): Map<string, number> {
  const sums = new Map<string, { n: number; sum: number }>();
  for (const d of log) {
    const v = value(d);
    if (v === null || d.context === null) continue;
    const cell = sums.get(cellKey(d.context, d.arm)) ?? { n: 0, sum: 0 };
    cell.n++;
    cell.sum += v;
    sums.set(cellKey(d.context, d.arm), cell);
  }
  return new Map([...sums].map(([k, c]) => [k, c.sum / c.n]));
}

/**
 * The composite reward of each decision that names a device class: its rewards' sum, less the
 * objective's costs. A decision whose device sent no prediction (or load) time yet is charged the mean
 * of its class and arm, not 0, so a variant is not made to look fast by the decisions that never ran.
 * Decisions without a class (an SDK that predates contextual experiments) are left out.
 */
export function scoreDecisions(log: readonly DecisionOutcome[], objective: Objective = {}): ScoredDecision[] {
  const latencyWeight = objective.latencyWeight ?? 0;
  const loadWeight = objective.loadWeight ?? 0;
  const crashWeight = objective.crashWeight ?? 0;
  const latency = cellMeans(log, (d) => d.latencyMs);
  const load = cellMeans(log, (d) => d.loadMs);
  const scored: ScoredDecision[] = [];
  for (const d of log) {
    if (d.context === null) continue;
    const key = cellKey(d.context, d.arm);
    const latencyMs = d.latencyMs ?? latency.get(key) ?? 0;
    const loadMs = d.loadMs ?? load.get(key) ?? 0;
    scored.push({
      context: d.context,
      arm: d.arm,
      propensity: d.probability,
      reward: d.rewardSum - latencyWeight * latencyMs - loadWeight * loadMs - crashWeight * d.crashes,
    });
  }
  return scored;
}
