import { createRng, sampleBeta, sampleStudentT } from '../random.js';
import type { ArmStats, ArmWeight, BetaPrior, Rng } from '../types.js';
import { badArgument, requireOneOf, requirePositive } from '../validate.js';
import { argmaxWeights, checkArms, withMinWeight } from './arms.js';

export type RewardModel = 'bernoulli' | 'gaussian';

export interface ThompsonOptions {
  /** `'bernoulli'` (0/1 rewards, Beta posterior; default) or `'gaussian'` (real-valued rewards). */
  model?: RewardModel;
  /** Monte Carlo draws per arm. Default 10,000 (weights within about ±0.005). */
  draws?: number;
  /** Seed for the Monte Carlo; same seed and aggregates → same weights. Default 0. */
  seed?: number | string;
  /** A generator to use instead of `seed`. */
  rng?: Rng;
  /** Every arm keeps at least this share of traffic, so no arm starves. Default 0. */
  minWeight?: number;
  /** Beta prior for the Bernoulli model. Default Beta(1, 1). */
  prior?: BetaPrior;
}

interface Posterior {
  draw(rng: Rng): number;
}

function bernoulliPosteriors(arms: ArmStats[], prior: BetaPrior): Posterior[] {
  requirePositive('prior.alpha', prior.alpha);
  requirePositive('prior.beta', prior.beta);
  return arms.map((a) => {
    const alpha = prior.alpha + a.rewardSum;
    const beta = prior.beta + a.pulls - a.rewardSum;
    return { draw: (rng: Rng) => sampleBeta(rng, alpha, beta) };
  });
}

/**
 * Normal–inverse-gamma posteriors whose prior is worth one pseudo-observation at the pooled mean
 * and variance of all arms: weak enough that data dominate after a few pulls, and scale-free, so
 * rewards in cents or in seconds behave alike. The marginal posterior of each mean is Student t.
 */
function gaussianPosteriors(arms: ArmStats[]): Posterior[] {
  const n = arms.reduce((s, a) => s + a.pulls, 0);
  const sum = arms.reduce((s, a) => s + a.rewardSum, 0);
  const sumSq = arms.reduce((s, a) => s + (a.rewardSumSquares ?? a.rewardSum), 0);
  const mu0 = n > 0 ? sum / n : 0;
  const pooledVar = n > 1 ? (sumSq - (sum * sum) / n) / (n - 1) : 0;
  const beta0 = pooledVar > 0 ? pooledVar : 1;
  const kappa0 = 1;
  const alpha0 = 1;
  return arms.map((a) => {
    const k = a.pulls;
    const mean = k > 0 ? a.rewardSum / k : 0;
    const ss = k > 0 ? Math.max(0, (a.rewardSumSquares ?? a.rewardSum) - k * mean * mean) : 0;
    const kappa = kappa0 + k;
    const mu = (kappa0 * mu0 + k * mean) / kappa;
    const alpha = alpha0 + k / 2;
    const beta = beta0 + ss / 2 + (kappa0 * k * (mean - mu0) ** 2) / (2 * kappa);
    const scale = Math.sqrt(beta / (alpha * kappa));
    return { draw: (rng: Rng) => mu + scale * sampleStudentT(rng, 2 * alpha) };
  });
}

function posteriors(arms: ArmStats[], options: ThompsonOptions): Posterior[] {
  const model = requireOneOf('model', options.model ?? 'bernoulli', ['bernoulli', 'gaussian'] as const);
  const list = checkArms(arms, model === 'bernoulli');
  return model === 'bernoulli'
    ? bernoulliPosteriors(list, options.prior ?? { alpha: 1, beta: 1 })
    : gaussianPosteriors(list);
}

/**
 * Thompson-sampling traffic weights: the posterior probability that each arm is the best,
 * estimated by Monte Carlo with a seeded generator, then mixed with uniform so every arm keeps
 * `minWeight`. Serving arms in proportion to these weights is Thompson sampling in expectation.
 *
 * Delayed or batched feedback: recompute the weights per batch from aggregates whose rewards
 * have arrived, and count an exposure only once its reward window has closed (a pending exposure
 * is not a failure). Randomized weights tolerate that delay well, unlike deterministic UCB1.
 *
 * @example
 * const weights = thompsonWeights(
 *   [
 *     { name: 'fp32', pulls: 1200, rewardSum: 130 },
 *     { name: 'int8', pulls: 1180, rewardSum: 151 },
 *     { name: 'int4', pulls: 300, rewardSum: 25 },
 *   ],
 *   { seed: 'iris-exp:policy-v3', minWeight: 0.05 },
 * ); // [{ name: 'fp32', weight: ... }, { name: 'int8', weight: ... }, { name: 'int4', weight: 0.05... }]
 */
export function thompsonWeights(arms: ArmStats[], options: ThompsonOptions = {}): ArmWeight[] {
  const post = posteriors(arms, options);
  const draws = Math.floor(requirePositive('draws', options.draws ?? 10_000));
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const wins = new Array<number>(post.length).fill(0);
  const sample = new Array<number>(post.length);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < post.length; i++) sample[i] = post[i]!.draw(rng);
    const share = argmaxWeights(sample);
    for (let i = 0; i < post.length; i++) wins[i] = wins[i]! + share[i]!;
  }
  return withMinWeight(
    arms.map((a) => a.name),
    wins,
    options.minWeight ?? 0,
  );
}

/**
 * One round of Thompson sampling: draw once from each arm's posterior and return the index of
 * the largest draw. Use it when deciding per request with fresh aggregates.
 *
 * @example
 * const i = thompsonChoose(arms, createRng(7)); // index into arms
 */
export function thompsonChoose(
  arms: ArmStats[],
  rng: Rng,
  options: Omit<ThompsonOptions, 'draws' | 'seed' | 'rng' | 'minWeight'> = {},
): number {
  if (typeof rng !== 'function')
    badArgument('rng must be a function returning numbers in [0, 1), e.g. createRng(seed)');
  const post = posteriors(arms, options);
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < post.length; i++) {
    const v = post[i]!.draw(rng);
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
