// Time-uniform confidence sequence for one mean, from the normal-mixture boundary. Mixing the
// sub-Gaussian supermartingale exp(λS_n − λ²V_n/2) over λ ~ N(0, 1/ρ) gives
//   M_n = √(ρ / (V_n + ρ)) · exp(S_n² / (2 (V_n + ρ))),   S_n = Σ (x_i − μ), V_n = σ² n,
// and Ville's inequality bounds P(ever M_n ≥ 1/α) by α, so
//   |x̄_n − μ| < √((V_n + ρ) · ln((V_n + ρ) / (ρ α²))) / n   at every n simultaneously
// (Howard, Ramdas, McAuliffe & Sekhon 2021, eq. (14), the two-sided normal mixture). Writing
// x = V_n / ρ, the half-width is σ √((1 + 1/x)(2 ln(1/α) + ln(1 + x)) / n) — the mSPRT's interval
// in msprt.ts with τ²/s² = x — so the same ratio u = optimalMixtureRatio(α) makes it narrowest
// at n = plannedN: x = u · n / plannedN.

import { sampleMoments } from '../frequentist/sample-stats.js';
import type { MeanSample } from '../types.js';
import { badArgument, requireFinite, requireOpenUnit, requirePositive } from '../validate.js';
import { optimalMixtureRatio } from './msprt.js';

export type ConfidenceSequenceMethod = 'sub-gaussian-normal-mixture' | 'asymptotic-normal-mixture';

export interface ConfidenceSequenceOptions {
  /** Probability that the band ever, at any n, excludes the true mean. Default 0.05. */
  alpha?: number;
  /**
   * Known range `[lo, hi]` of a single value (`[0, 1]` for conversions). With it the band is exact
   * at every n (sub-Gaussian with σ = (hi − lo)/2, Hoeffding); without it, the asymptotic sequence
   * uses the sample standard deviation and needs `sumSquares`.
   */
  bounds?: [lo: number, hi: number];
  /**
   * The n at which the band should be narrowest; it stays valid before and after. Fix it in
   * advance (the expected users per arm): a value that follows the data, such as the current n,
   * tunes the mixture afresh at every look and loses the time-uniform guarantee. Default 10,000.
   */
  plannedN?: number;
}

export interface ConfidenceSequenceResult {
  /** Sample mean; NaN before the first observation. */
  mean: number;
  /** Lower end of the band (clipped to `bounds` when given). */
  lower: number;
  /** Upper end of the band (clipped to `bounds` when given). */
  upper: number;
  /** Unclipped half-width of the band; Infinity before there is data to bound the mean. */
  halfWidth: number;
  /** The boundary used: `'sub-gaussian-normal-mixture'` with bounds, `'asymptotic-normal-mixture'` without. */
  method: ConfidenceSequenceMethod;
  n: number;
}

/**
 * Half-width of the two-sided normal-mixture boundary for a mean of n values with scale σ,
 * mixture tuned to be tightest at n = plannedN.
 */
export function normalMixtureHalfWidth(sigma: number, n: number, alpha: number, plannedN: number): number {
  const x = (optimalMixtureRatio(alpha) * n) / plannedN;
  return sigma * Math.sqrt(((1 + 1 / x) * (2 * Math.log(1 / alpha) + Math.log1p(x))) / n);
}

/**
 * Always-valid (time-uniform) confidence sequence for the mean of one stream of values, from its
 * running sums `{ n, sum, sumSquares }`. Recompute it after every observation and stop whenever you
 * like: with probability at least 1 − alpha the band covers the true mean at every n at once.
 * Because this holds at any stopping time, it also holds per arm under adaptive allocation — apply
 * it to each bandit arm's own samples, however the policy chose to serve them (Howard et al. 2021;
 * a fixed-n interval checked at every step fails far more often).
 *
 * - With `bounds` (say `[0, 1]`): the sub-Gaussian normal mixture of Howard et al. (2021), exact
 *   for any distribution on the range, at every n.
 * - Without: the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas
 *   ("Time-uniform central limit theory and asymptotic confidence sequences", 2023, Thm 2.2): the
 *   same boundary with the sample standard deviation plugged in. Valid as n grows, so read it
 *   after a few dozen observations, not a handful; before 2 observations the band is the whole line.
 *
 * @example
 * // 1,000 conversions-or-not on one arm, 312 conversions
 * const cs = meanConfidenceSequence({ n: 1000, sum: 312 }, { bounds: [0, 1], plannedN: 5000 });
 * [cs.lower, cs.upper]; // [0.259, 0.365]: a band for the arm's rate, safe to watch continuously
 */
export function meanConfidenceSequence(
  sample: Pick<MeanSample, 'n' | 'sum'> & Partial<Pick<MeanSample, 'sumSquares'>>,
  options: ConfidenceSequenceOptions = {},
): ConfidenceSequenceResult {
  const alpha = requireOpenUnit('alpha', options.alpha ?? 0.05);
  const plannedN = requirePositive('plannedN', options.plannedN ?? 10_000);
  const bounds = options.bounds;
  if (bounds === undefined) {
    const m = sampleMoments('sample', sample, { minN: 0, needSquares: true });
    const method = 'asymptotic-normal-mixture';
    if (m.n < 2)
      return { mean: m.mean, lower: -Infinity, upper: Infinity, halfWidth: Infinity, method, n: m.n };
    const halfWidth = normalMixtureHalfWidth(Math.sqrt(m.variance), m.n, alpha, plannedN);
    return { mean: m.mean, lower: m.mean - halfWidth, upper: m.mean + halfWidth, halfWidth, method, n: m.n };
  }
  if (!Array.isArray(bounds) || bounds.length !== 2)
    badArgument('bounds must be a [lo, hi] pair: the range of a single value');
  const lo = requireFinite('bounds[0]', bounds[0]);
  const hi = requireFinite('bounds[1]', bounds[1]);
  if (!(lo < hi)) badArgument(`bounds must have lo < hi, got [${lo}, ${hi}]`);
  const m = sampleMoments('sample', sample, { minN: 0, needSquares: false });
  const method = 'sub-gaussian-normal-mixture';
  if (m.n === 0) return { mean: m.mean, lower: lo, upper: hi, halfWidth: Infinity, method, n: 0 };
  const slack = 1e-9 * (hi - lo);
  if (m.mean < lo - slack || m.mean > hi + slack)
    badArgument(`sample mean ${m.mean} lies outside bounds [${lo}, ${hi}]`);
  const halfWidth = normalMixtureHalfWidth((hi - lo) / 2, m.n, alpha, plannedN);
  // Clipping to the range keeps the guarantee: the true mean is inside [lo, hi] anyway.
  return {
    mean: m.mean,
    lower: Math.max(lo, m.mean - halfWidth),
    upper: Math.min(hi, m.mean + halfWidth),
    halfWidth,
    method,
    n: m.n,
  };
}
