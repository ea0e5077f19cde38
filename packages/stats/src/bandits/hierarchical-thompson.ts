import { createRng, sampleNormal } from '../random.js';
import type { ArmStats, ArmWeight, Rng } from '../types.js';
import { badArgument, requirePositive } from '../validate.js';
import { argmaxWeights, checkArms, withMinWeight } from './arms.js';

export interface HierarchicalThompsonOptions {
  /** Monte Carlo draws per class. Default 4,000. */
  draws?: number;
  seed?: number | string;
  rng?: Rng;
  /** Every arm keeps at least this share of each class's traffic. Default 0. */
  minWeight?: number;
}

/** One arm's normal posterior in one class. */
interface ClassPosterior {
  mean: number;
  sd: number;
}

interface ArmPrior {
  /** Where a class with little data starts: the arm's mean over classes, and how far classes stray. */
  mean: number;
  variance: number;
  /** The reward noise within a class, pooled over classes. */
  noise: number;
}

const moments = (a: ArmStats) => ({
  n: a.pulls,
  sum: a.rewardSum,
  sumSq: a.rewardSumSquares ?? a.rewardSum,
});

/**
 * Empirical-Bayes prior of one arm across classes (a normal–normal model): the arm's true mean in
 * class c is θ_c ~ N(μ, τ²) and each reward is N(θ_c, σ²). σ² is the within-class variance pooled
 * over classes; τ² is the variance of the class means beyond what their own noise explains (method
 * of moments, floored at 1% of σ² so no class is ever pinned to the pooled mean); μ is the
 * precision-weighted mean of the class means, and its own uncertainty is added to the prior variance.
 * Before any data, the prior is wide (σ² of all rewards, or 1).
 */
function armPrior(cells: ArmStats[], fallbackNoise: number): ArmPrior {
  let n = 0;
  let within = 0;
  let withinDf = 0;
  for (const cell of cells) {
    const { n: k, sum, sumSq } = moments(cell);
    n += k;
    if (k > 1) {
      within += sumSq - (sum * sum) / k;
      withinDf += k - 1;
    }
  }
  const noise = withinDf > 0 && within > 0 ? within / withinDf : fallbackNoise;
  const seen = cells.filter((c) => c.pulls > 0);
  if (n === 0 || seen.length === 0) return { mean: 0, variance: noise * 1e4, noise };
  const means = seen.map((c) => c.rewardSum / c.pulls);
  const errors = seen.map((c) => noise / c.pulls);
  const unweighted = means.reduce((s, m) => s + m, 0) / means.length;
  const spread =
    seen.length > 1 ? means.reduce((s, m) => s + (m - unweighted) ** 2, 0) / (seen.length - 1) : noise;
  const meanError = errors.reduce((s, e) => s + e, 0) / errors.length;
  const tau2 = Math.max(spread - meanError, noise * 0.01);
  const precisions = errors.map((e) => 1 / (tau2 + e));
  const totalPrecision = precisions.reduce((s, p) => s + p, 0);
  const mean = means.reduce((s, m, i) => s + m * precisions[i]!, 0) / totalPrecision;
  return { mean, variance: tau2 + 1 / totalPrecision, noise };
}

function classPosterior(cell: ArmStats | undefined, prior: ArmPrior): ClassPosterior {
  const n = cell?.pulls ?? 0;
  const precision = 1 / prior.variance + n / prior.noise;
  const mean = (prior.mean / prior.variance + (cell?.rewardSum ?? 0) / prior.noise) / precision;
  return { mean, sd: Math.sqrt(1 / precision) };
}

/**
 * Thompson sampling per context class with strength shared across classes: each arm's class means
 * are drawn from normal posteriors that shrink toward the arm's mean over all classes, as much as
 * the classes agree (a hierarchical normal model with an empirical-Bayes prior, see armPrior). A new
 * or rare class starts from what the other classes learned about each arm, not from nothing, and a
 * class whose best arm differs pulls away as its own data come in. Real-valued rewards (a composite
 * such as conversion − λ·latency), so the model is Gaussian.
 *
 * Returns, for every class named in `classes` (and for `unseenClass` when given, a class with no data
 * yet), each arm's posterior probability of being that class's best arm, mixed with uniform so each
 * keeps `minWeight`: serving in proportion to them is Thompson sampling in expectation, and the
 * weight an arm was served with is its propensity.
 *
 * @example
 * hierarchicalThompsonWeights(
 *   { 'webgpu-f16': [{ name: 'fp16', pulls: 90, rewardSum: 81 }, { name: 'int8', pulls: 80, rewardSum: 60 }],
 *     'wasm-low':   [{ name: 'fp16', pulls: 40, rewardSum: 18 }, { name: 'int8', pulls: 95, rewardSum: 70 }] },
 *   { seed: 'exp:policy-3', minWeight: 0.05 },
 * ); // { 'webgpu-f16': [{ name: 'fp16', weight: ≈0.95 }, …], 'wasm-low': [{ name: 'int8', … }] }
 */
export function hierarchicalThompsonWeights(
  classes: Record<string, ArmStats[]>,
  options: HierarchicalThompsonOptions & { unseenClass?: string } = {},
): Record<string, ArmWeight[]> {
  const names = Object.keys(classes);
  if (names.length === 0) badArgument('classes must name at least one class');
  const armNames = checkArms(classes[names[0]!], false).map((a) => a.name);
  for (const name of names) {
    const arms = checkArms(classes[name], false);
    if (arms.length !== armNames.length || arms.some((a, i) => a.name !== armNames[i])) {
      badArgument(
        `class '${name}' must list the same arms in the same order as '${names[0]}' (${armNames.join(', ')})`,
      );
    }
  }
  const draws = Math.floor(requirePositive('draws', options.draws ?? 4_000));
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const all = names.flatMap((c) => classes[c]!.map(moments));
  const n = all.reduce((s, m) => s + m.n, 0);
  const sum = all.reduce((s, m) => s + m.sum, 0);
  const sumSq = all.reduce((s, m) => s + m.sumSq, 0);
  const overall = n > 1 ? (sumSq - (sum * sum) / n) / (n - 1) : 0;
  const fallbackNoise = overall > 0 ? overall : 1;
  const priors = armNames.map((_, i) =>
    armPrior(
      names.map((c) => classes[c]![i]!),
      fallbackNoise,
    ),
  );
  const weightsFor = (cells: (ArmStats | undefined)[]): ArmWeight[] => {
    const post = cells.map((cell, i) => classPosterior(cell, priors[i]!));
    const wins = new Array<number>(post.length).fill(0);
    const sample = new Array<number>(post.length);
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < post.length; i++) sample[i] = post[i]!.mean + post[i]!.sd * sampleNormal(rng);
      const share = argmaxWeights(sample);
      for (let i = 0; i < post.length; i++) wins[i] = wins[i]! + share[i]!;
    }
    return withMinWeight(armNames, wins, options.minWeight ?? 0);
  };
  const result: Record<string, ArmWeight[]> = {};
  for (const name of names) result[name] = weightsFor(classes[name]!);
  if (options.unseenClass !== undefined && !(options.unseenClass in result)) {
    result[options.unseenClass] = weightsFor(armNames.map(() => undefined));
  }
  return result;
}
