import { EdgewiseError } from '../errors.js';
import { type RandomSource, sampleBeta } from './seeded-random.js';

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

function argmaxAll(values: readonly number[]): number[] {
  const best = Math.max(...values);
  return values.flatMap((value, i) => (value === best ? [i] : []));
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
  if (!(epsilon >= 0 && epsilon <= 1)) {
    throw new EdgewiseError('CONFIG', `epsilon-greedy: epsilon must be in [0, 1], got ${epsilon}.`);
  }
  const n = arms.length;
  const greedy = argmaxAll(
    arms.map((a) => (a.pulls === 0 ? Number.POSITIVE_INFINITY : a.rewardSum / a.pulls)),
  );
  const index = random() < epsilon ? Math.floor(random() * n) : greedy[Math.floor(random() * greedy.length)]!;
  const probability = epsilon / n + (greedy.includes(index) ? (1 - epsilon) / greedy.length : 0);
  return { index, probability };
}

/**
 * Thompson sampling with a Beta(1 + successes, 1 + failures) posterior per arm; rewards in [0, 1]
 * count fractionally. The propensity is estimated from `draws` posterior draws, the first of which
 * makes the choice — so it is never 0 for the arm chosen.
 */
export function thompsonChoice(arms: readonly ArmStats[], random: RandomSource, draws = 1000): LocalChoice {
  const wins = new Array<number>(arms.length).fill(0);
  let index = -1;
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestValue = -1;
    for (const [i, arm] of arms.entries()) {
      const value = sampleBeta(1 + arm.rewardSum, 1 + arm.pulls - arm.rewardSum, random);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    wins[best]!++;
    if (d === 0) index = best;
  }
  return { index, probability: wins[index]! / draws };
}

/** UCB1: plays each arm once, then the highest mean + sqrt(2 ln N / n). Deterministic, so probability 1. */
export function ucb1Choice(arms: readonly ArmStats[]): LocalChoice {
  const unplayed = arms.findIndex((a) => a.pulls === 0);
  if (unplayed >= 0) return { index: unplayed, probability: 1 };
  const total = arms.reduce((sum, a) => sum + a.pulls, 0);
  const scores = arms.map((a) => a.rewardSum / a.pulls + Math.sqrt((2 * Math.log(total)) / a.pulls));
  return { index: argmaxAll(scores)[0]!, probability: 1 };
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
