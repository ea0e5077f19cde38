import { badArgument, requireFinite, requireNonNegative } from '../validate.js';
import type { IpsResult } from './off-policy.js';

/** Running sums for one arm a over an experiment's logged decisions (see {@link ipsFromSums}). */
export interface IpsSums {
  /** All logged decisions of the experiment, whichever arm they served (the n of the estimate). */
  decisions: number;
  /** Σ 1/p_i over the decisions that served arm a, p_i being the logged propensity. */
  sumWeights: number;
  /** Σ r_i/p_i over the decisions that served arm a. */
  sumWeightedRewards: number;
  /** Σ (r_i/p_i)² over the decisions that served arm a. */
  sumWeightedRewardSquares: number;
  /**
   * Σ 1/p_i² over the decisions that served arm a: only `effectiveSampleSize` needs it, which is
   * NaN without it.
   */
  sumSquaredWeights?: number;
}

/**
 * Inverse-propensity (Horvitz–Thompson) estimate of the policy "always serve arm a", from running
 * sums instead of the decision log; equal to `ipsEstimate(logs, { a: 1 })` on the same logs.
 *
 * Why sums suffice: under that target policy the importance weight of decision i is
 * w_i = π(a_i)/p_i = 1/p_i when it served a and 0 otherwise. Every quantity of the estimate —
 * V̂ = Σ w r / n, its variance (Σ (w r)² − n V̂²)/(n − 1), the self-normalized Σ w r / Σ w and the
 * effective sample size (Σ w)² / Σ w² — is built from sums over the decisions where w ≠ 0, i.e.
 * those that served a, plus the total count n. So the server adds 1/p, r/p, (r/p)² (and 1/p²) to
 * arm a's totals as each reward arrives and never keeps the log: O(1) memory per arm, and the
 * estimate for every arm is available at any time.
 *
 * @example
 * // 1,000 decisions; arm a was served 3 times, with propensities 0.5, 0.25, 0.5 and rewards 1, 0, 1
 * ipsFromSums({
 *   decisions: 1000,
 *   sumWeights: 2 + 4 + 2,
 *   sumWeightedRewards: 2 + 0 + 2,
 *   sumWeightedRewardSquares: 4 + 0 + 4,
 *   sumSquaredWeights: 4 + 16 + 4,
 * }); // { value: 0.004, ... }
 */
export function ipsFromSums(sums: IpsSums): IpsResult {
  if (sums === null || typeof sums !== 'object')
    badArgument(
      'sums must be an object { decisions, sumWeights, sumWeightedRewards, sumWeightedRewardSquares }',
    );
  const n = requireNonNegative('decisions', sums.decisions);
  if (!Number.isInteger(n) || n < 1)
    badArgument(`decisions must be a whole number of logged decisions, at least 1, got ${n}`);
  const sumW = requireNonNegative('sumWeights', sums.sumWeights);
  const sumWR = requireFinite('sumWeightedRewards', sums.sumWeightedRewards);
  const sumWR2 = requireNonNegative('sumWeightedRewardSquares', sums.sumWeightedRewardSquares);
  // At most n decisions served a, so Cauchy–Schwarz gives (Σ w r)² ≤ n Σ (w r)².
  if (sumWR * sumWR > n * sumWR2 * (1 + 1e-9) + 1e-300)
    badArgument(`sumWeightedRewardSquares (${sumWR2}) is too small for sumWeightedRewards ${sumWR}`);
  // Each propensity is at most 1, so each non-zero weight is at least 1 and Σ w² ≥ Σ w.
  let sumW2 = Number.NaN;
  if (sums.sumSquaredWeights !== undefined) {
    sumW2 = requireNonNegative('sumSquaredWeights', sums.sumSquaredWeights);
    if (sumW2 < sumW * (1 - 1e-9))
      badArgument(`sumSquaredWeights (${sumW2}) cannot be below sumWeights (${sumW}): propensities are ≤ 1`);
  }
  // The same arithmetic as ipsEstimate, so the two agree to rounding.
  const value = sumWR / n;
  const variance = n > 1 ? (sumWR2 - n * value * value) / (n - 1) : Number.NaN;
  return {
    value,
    standardError: Math.sqrt(Math.max(0, variance) / n),
    selfNormalized: sumW > 0 ? sumWR / sumW : Number.NaN,
    effectiveSampleSize: Number.isNaN(sumW2) ? Number.NaN : sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
    n,
  };
}
