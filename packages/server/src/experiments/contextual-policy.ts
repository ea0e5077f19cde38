import { DEVICE_CLASSES } from '@edgewise/protocol';
import { type ArmStats, hierarchicalThompsonWeights, isStatsError } from '@edgewise/stats';
import { ServerError } from '../errors.js';
import type { DecisionOutcome } from '../storage/decision-log.js';
import type { ExperimentRecord } from '../storage/records.js';
import { cellKey, cellTotals, scoreDecisions } from './composite-reward.js';

/** Every arm keeps this share in every class, so OPE always has support and a late class can recover. */
const MIN_WEIGHT = 0.01;
/** The class name the weights for a device of no known class (and `policyWeights`) are computed under. */
const UNSEEN = '*';

export interface ContextualWeights {
  /** For a device with no data of its class: the shared prior alone. Served as `policyWeights`. */
  weights: number[];
  /** Per device class, index-aligned with the arms. */
  contextWeights: Record<string, number[]>;
}

/**
 * The next weights of a contextual experiment: hierarchical Thompson sampling per device class on the
 * objective's composite reward (see `hierarchicalThompsonWeights` for the model, and the simulation
 * test in @edgewise/stats for why it was chosen over a per-class or a pooled bandit). Seeded by the
 * key and the policy version it becomes, so replicas computing one version agree. Stopped arms get 0
 * in every class and the policy runs on the others.
 */
export function contextualWeights(
  record: ExperimentRecord,
  log: readonly DecisionOutcome[],
): ContextualWeights {
  const stopped = new Set(record.stops.map((s) => s.arm));
  const running = record.arms.filter((a) => !stopped.has(a.name));
  const arms = running.length > 0 ? running : record.arms;
  const cells = cellTotals(scoreDecisions(log, record.objective));
  const classes: Record<string, ArmStats[]> = {};
  for (const name of DEVICE_CLASSES) {
    classes[name] = arms.map((a) => {
      const cell = cells.get(cellKey(name, a.name));
      return {
        name: a.name,
        pulls: cell?.decisions ?? 0,
        rewardSum: cell?.rewardSum ?? 0,
        rewardSumSquares: cell?.rewardSumSq ?? 0,
      };
    });
  }
  let result: Record<string, { name: string; weight: number }[]>;
  try {
    result = hierarchicalThompsonWeights(classes, {
      seed: `${record.key}:policy-v${record.policyVersion + 1}`,
      minWeight: Math.min(MIN_WEIGHT, 1 / arms.length),
      unseenClass: UNSEEN,
    });
  } catch (error) {
    if (isStatsError(error))
      throw new ServerError(
        'CONFLICT',
        `cannot compute contextual weights for "${record.key}": ${error.message}`,
      );
    throw error;
  }
  const aligned = (weights: { name: string; weight: number }[]) => {
    const byName = new Map(weights.map((w) => [w.name, w.weight]));
    return record.arms.map((a) => byName.get(a.name) ?? 0);
  };
  return {
    weights: aligned(result[UNSEEN]!),
    contextWeights: Object.fromEntries(DEVICE_CLASSES.map((name) => [name, aligned(result[name]!)])),
  };
}
