import type { ArmStats, ArmWeight } from '../types.js';
import { requireUnit } from '../validate.js';
import { argmaxWeights, armMean, checkArms } from './arms.js';

/**
 * Epsilon-greedy weights: with probability `epsilon` a uniformly random arm, otherwise the arm
 * with the best running-average reward (ties share). Arms never pulled count as `initialValue`
 * (0, as the reference recipe's zero-initialised running averages).
 *
 * @example
 * epsilonGreedy([
 *   { name: 'a', pulls: 100, rewardSum: 10 },
 *   { name: 'b', pulls: 100, rewardSum: 14 },
 * ], 0.1); // [{ name: 'a', weight: 0.05 }, { name: 'b', weight: 0.95 }]
 */
export function epsilonGreedy(
  arms: ArmStats[],
  epsilon = 0.1,
  options: { initialValue?: number } = {},
): ArmWeight[] {
  const list = checkArms(arms, false);
  const eps = requireUnit('epsilon', epsilon);
  const greedy = argmaxWeights(list.map((a) => armMean(a, options.initialValue ?? 0)));
  const k = list.length;
  return list.map((a, i) => ({ name: a.name, weight: eps / k + (1 - eps) * greedy[i]! }));
}
