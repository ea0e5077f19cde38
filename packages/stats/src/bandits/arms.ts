import type { ArmStats, ArmWeight, Rng } from '../types.js';
import { badArgument, requireArray, requireNonNegative, requireUnit } from '../validate.js';

/** Validates one arm's aggregates; with `binary`, rewards are 0/1 so rewardSum ≤ pulls. */
export function checkArm(arm: unknown, label: string, binary: boolean): ArmStats {
  if (arm === null || typeof arm !== 'object')
    badArgument(`${label} must be an object { name, pulls, rewardSum, rewardSumSquares? }`);
  const a = arm as ArmStats;
  if (typeof a.name !== 'string') badArgument(`${label}.name must be a string`);
  const pulls = requireNonNegative(`${label}.pulls`, a.pulls);
  const sum = binary
    ? requireNonNegative(`${label}.rewardSum`, a.rewardSum)
    : requireFiniteNumber(`${label}.rewardSum`, a.rewardSum);
  if (binary && sum > pulls)
    badArgument(`${label}.rewardSum (${sum} successes) cannot exceed ${label}.pulls (${pulls})`);
  if (pulls === 0 && sum !== 0) badArgument(`${label}.rewardSum must be 0 when ${label}.pulls is 0`);
  if (a.rewardSumSquares !== undefined) {
    const sq = requireNonNegative(`${label}.rewardSumSquares`, a.rewardSumSquares);
    // Cauchy–Schwarz: (Σr)² ≤ n Σr², with room for rounding.
    if (sum * sum > pulls * sq * (1 + 1e-9) + 1e-9) {
      badArgument(`${label}.rewardSumSquares (${sq}) is too small for rewardSum ${sum} over ${pulls} pulls`);
    }
  }
  return a;
}

function requireFiniteNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    badArgument(`${name} must be a finite number, got ${String(v)}`);
  return v;
}

export function checkArms(arms: unknown, binary: boolean): ArmStats[] {
  const list = requireArray('arms', arms, 1) as unknown[];
  return list.map((a, i) => checkArm(a, `arms[${i}]`, binary));
}

/** Mean reward of an arm, or `fallback` before its first pull. */
export function armMean(arm: ArmStats, fallback = 0): number {
  return arm.pulls > 0 ? arm.rewardSum / arm.pulls : fallback;
}

/**
 * Mixes policy weights with the uniform distribution so that each arm keeps at least `minWeight`:
 * w' = m + (1 − K·m)·w. (Flooring then renormalizing would push floors back under m.)
 */
export function withMinWeight(names: string[], weights: number[], minWeight: number): ArmWeight[] {
  const k = names.length;
  requireUnit('minWeight', minWeight);
  if (minWeight * k > 1 + 1e-12) badArgument(`minWeight (${minWeight}) × arms (${k}) must not exceed 1`);
  const total = weights.reduce((s, w) => s + w, 0);
  return names.map((name, i) => ({ name, weight: minWeight + (1 - k * minWeight) * (weights[i]! / total) }));
}

/** Splits `mass` equally among the indices whose score equals the maximum. */
export function argmaxWeights(scores: number[]): number[] {
  const best = Math.max(...scores);
  const winners = scores.filter((s) => s === best).length;
  return scores.map((s) => (s === best ? 1 / winners : 0));
}

/**
 * Draws an arm index from policy weights — what a server or client does per request.
 *
 * @example
 * const rng = createRng('checkout-exp');
 * const i = chooseArm(thompsonWeights(arms, { seed: 1 }), rng);
 */
export function chooseArm(weights: ArmWeight[] | number[], rng: Rng): number {
  const w = weights.map((x) => (typeof x === 'number' ? x : x.weight));
  if (w.length === 0) badArgument('weights must not be empty');
  const total = w.reduce((s, x) => s + x, 0);
  let u = rng() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i]!;
    if (u < 0) return i;
  }
  return w.length - 1;
}

/**
 * The running-average update of the classic bandit recipe, Q_n = Q_{n−1} + (r − Q_{n−1}) / n,
 * where `n` counts the new reward. Aggregates give the same number as rewardSum / pulls.
 *
 * @example updateRunningAverage(0.5, 3, 1) // 0.6667
 */
export function updateRunningAverage(mean: number, n: number, reward: number): number {
  return mean + (reward - mean) / n;
}

/** Folds one observed reward into an arm's aggregates (returns a new object). */
export function recordReward(arm: ArmStats, reward: number): ArmStats {
  return {
    ...arm,
    pulls: arm.pulls + 1,
    rewardSum: arm.rewardSum + reward,
    rewardSumSquares: (arm.rewardSumSquares ?? arm.rewardSum) + reward * reward,
  };
}
