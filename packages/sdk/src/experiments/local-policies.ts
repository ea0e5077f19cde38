import {
  type ArmWeight,
  chooseArm,
  epsilonGreedy,
  isStatsError,
  type ArmStats as StatsArm,
  thompsonWeights,
  ucb1,
} from '@edgewise/stats';
import { EdgewiseError } from '../errors.js';
import type { RandomSource } from './seeded-random.js';

/** What a local bandit knows about one arm. */
export interface ArmStats {
  pulls: number;
  rewardSum: number;
}

export interface LocalChoice {
  index: number;
  /** Probability that the policy picks this arm in its current state (the propensity to log). */
  probability: number;
}

/**
 * The local policies are the ones the server runs (@edgewise/stats): weights from the arm
 * aggregates, then one draw from those weights; the chosen arm's weight is its propensity.
 */
function choose(
  arms: readonly ArmStats[],
  random: RandomSource,
  weigh: (arms: StatsArm[]) => ArmWeight[],
): LocalChoice {
  const named = arms.map((a, i) => ({ name: String(i), pulls: a.pulls, rewardSum: a.rewardSum }));
  let weights: ArmWeight[];
  try {
    weights = weigh(named);
  } catch (error) {
    if (isStatsError(error))
      throw new EdgewiseError('CONFIG', `local bandit: ${error.message}`, { cause: error });
    throw error;
  }
  const index = chooseArm(weights, random);
  return { index, probability: weights[index]!.weight };
}

/**
 * Epsilon-greedy: with probability 1 - epsilon the arm with the best mean reward (ties split evenly;
 * unplayed arms count as best so each is tried), else a uniformly random arm.
 */
export function epsilonGreedyChoice(
  arms: readonly ArmStats[],
  epsilon: number,
  random: RandomSource,
): LocalChoice {
  return choose(arms, random, (a) => epsilonGreedy(a, epsilon, { initialValue: Number.POSITIVE_INFINITY }));
}

/**
 * Thompson sampling with a Beta(1 + successes, 1 + failures) posterior per arm; each arm's
 * propensity is its probability of being best, estimated from `draws` posterior draws.
 */
export function thompsonChoice(arms: readonly ArmStats[], random: RandomSource, draws = 1000): LocalChoice {
  return choose(arms, random, (a) => thompsonWeights(a, { draws, rng: random }));
}

/** UCB1: plays each arm once, then the highest mean + sqrt(2 ln N / n); ties split evenly. */
export function ucb1Choice(arms: readonly ArmStats[]): LocalChoice {
  return choose(
    arms,
    () => 0,
    (a) => ucb1(a),
  );
}

/** Throws CONFIG unless `value` is a reward the policy can learn from (Thompson's Beta needs [0, 1]). */
export function checkReward(value: number, policy: string): void {
  if (!Number.isFinite(value)) {
    throw new EdgewiseError('CONFIG', `reward must be a finite number, got ${value}.`);
  }
  if (policy === 'thompson' && (value < 0 || value > 1)) {
    throw new EdgewiseError(
      'CONFIG',
      `Thompson sampling needs rewards in [0, 1] (success = 1), got ${value}; scale the reward or use epsilon-greedy.`,
    );
  }
}

/** The arm's stats after one more reward. */
export function addReward(arm: ArmStats, value: number, policy: string): ArmStats {
  checkReward(value, policy);
  return { pulls: arm.pulls + 1, rewardSum: arm.rewardSum + value };
}
