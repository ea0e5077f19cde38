// Public shapes shared by several modules. Plain objects in, plain objects out.

/**
 * Direction of the alternative hypothesis, always about treatment (B) versus control (A):
 * `'greater'` means B > A, `'less'` means B < A.
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** A closed interval `[lower, upper]`. */
export type Interval = [lower: number, upper: number];

/**
 * Running aggregates of one arm, as a server keeps them per experiment arm.
 * For 0/1 rewards (conversions) `rewardSum` is the number of successes and
 * `rewardSumSquares` may be left out (it then equals `rewardSum`).
 *
 * @example
 * // Bernoulli arm: 1,000 exposures, 112 conversions
 * const control: ArmStats = { name: 'control', pulls: 1000, rewardSum: 112 };
 * // Real-valued reward arm (e.g. revenue): needs the sum of squares for its variance
 * const fast: ArmStats = { name: 'int8', pulls: 400, rewardSum: 812.5, rewardSumSquares: 2210.3 };
 */
export interface ArmStats {
  /** Arm name, echoed back in results. */
  name: string;
  /** Number of exposures (times the arm was served and its reward is known). */
  pulls: number;
  /** Sum of rewards; for 0/1 rewards, the number of successes. */
  rewardSum: number;
  /** Sum of squared rewards; defaults to `rewardSum` (exact for 0/1 rewards). */
  rewardSumSquares?: number;
}

/** One arm's share of traffic, as bandit policies return it (same order as the input arms). */
export interface ArmWeight {
  name: string;
  /** Probability of serving this arm; weights sum to 1. */
  weight: number;
}

/** A Beta(alpha, beta) prior on a conversion rate; the default is the uniform Beta(1, 1). */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** A source of uniform numbers in [0, 1); `createRng(seed)` makes a reproducible one. */
export type Rng = () => number;

/**
 * Sufficient statistics of one group's per-user values x_1 … x_n, as a server keeps them
 * incrementally: the number of users, Σx and Σx². Mean and variance follow from these three
 * numbers alone, so no per-user rows need to be stored or shipped.
 *
 * @example
 * // three users who spent 2, 0 and 5
 * const sample: MeanSample = { n: 3, sum: 7, sumSquares: 29 };
 */
export interface MeanSample {
  /** Number of users (independent units), a whole number. */
  n: number;
  /** Σx over those users. */
  sum: number;
  /** Σx² over those users. */
  sumSquares: number;
}
