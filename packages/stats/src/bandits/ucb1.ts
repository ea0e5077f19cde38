import type { ArmStats, ArmWeight } from '../types.js';
import { argmaxWeights, armMean, checkArms, withMinWeight } from './arms.js';

/**
 * UCB1 (Auer, Cesa-Bianchi & Fischer 2002) for rewards in [0, 1]: every arm once, then the arm
 * maximising mean + √(2 ln N / n). Deterministic, so all weight goes to that arm (ties share);
 * under batched or delayed feedback a whole batch lands on one arm — give it a `minWeight` or
 * prefer {@link thompsonWeights} there.
 *
 * @example
 * ucb1([{ name: 'a', pulls: 10, rewardSum: 5 }, { name: 'b', pulls: 2, rewardSum: 1 }]);
 * // [{ name: 'a', weight: 0 }, { name: 'b', weight: 1 }]
 */
export function ucb1(arms: ArmStats[], options: { minWeight?: number } = {}): ArmWeight[] {
  const list = checkArms(arms, false);
  const total = list.reduce((s, a) => s + a.pulls, 0);
  const scores = list.map((a) =>
    a.pulls === 0 ? Number.POSITIVE_INFINITY : armMean(a) + Math.sqrt((2 * Math.log(total)) / a.pulls),
  );
  return withMinWeight(
    list.map((a) => a.name),
    argmaxWeights(scores),
    options.minWeight ?? 0,
  );
}
