// Always-valid one-sided test that a binomial share stays at or below p0 (a guardrail: "at most 5%
// of predictions slower than 50 ms", "at most 1% of predict calls fail"). The likelihood ratio of
// Bernoulli(p) against Bernoulli(p0), mixed over a uniform prior on (p0, 1], is
//   LR_n = ∫_{p0}^1 p^k (1 − p)^(n−k) dp / ((1 − p0) · p0^k (1 − p0)^(n−k))
//        = B(k+1, n−k+1) · P(Beta(k+1, n−k+1) > p0) / ((1 − p0) · p0^k (1 − p0)^(n−k)).
// Under any true p ≤ p0 it is a nonnegative supermartingale: for each p > p0 one observation
// multiplies the ratio by a factor whose mean, p'·p/p0 + (1−p')(1−p)/(1−p0), is 1 at p' = p0 and
// falls as p' falls, and a mixture of supermartingales is one. Ville's inequality then gives
// P(ever LR ≥ 1/α) ≤ α, so rejecting at LR ≥ 1/α may be checked after every observation and
// stopped on at any time without raising the false-rejection rate above α.

import { betaSf } from '../special/beta.js';
import { logBeta } from '../special/gamma.js';
import { badArgument, requireNonNegative, requireOpenUnit } from '../validate.js';

export interface ExceedanceInput {
  /** Observations that exceeded the bound (slow predictions, failed calls), a whole count. */
  exceed: number;
  /** All observations, a whole count ≥ exceed. */
  total: number;
  /** The largest share of exceedances that is acceptable, in (0, 1). */
  p0: number;
  /** False-rejection bound that holds however often you look. Default 0.05. */
  alpha?: number;
}

export interface ExceedanceResult {
  /** Always-valid p-value for H0: p ≤ p0; min(1, 1/LR). */
  pValue: number;
  /** The mixture likelihood ratio LR at this look (1 before any observation). */
  likelihoodRatio: number;
  /** LR ≥ 1/alpha: the share is above p0, safe to act on even after continuous checking. */
  breached: boolean;
  /** Observed share exceed / total; NaN before any observation. */
  estimate: number;
}

/**
 * Always-valid test of H0: p ≤ p0 for a binomial share, to recompute after every batch.
 *
 * @example
 * exceedanceTest({ exceed: 40, total: 200, p0: 0.05 }).breached; // true: 20% is well above 5%
 */
export function exceedanceTest(input: ExceedanceInput): ExceedanceResult {
  const k = requireNonNegative('exceed', input?.exceed);
  const n = requireNonNegative('total', input.total);
  if (!Number.isInteger(k) || !Number.isInteger(n))
    badArgument(`exceed and total must be whole counts, got ${k} and ${n}; round weighted counts first`);
  if (k > n) badArgument(`exceed (${k}) cannot exceed total (${n})`);
  const p0 = requireOpenUnit('p0', input.p0);
  const alpha = requireOpenUnit('alpha', input.alpha ?? 0.05);
  if (n === 0) return { pValue: 1, likelihoodRatio: 1, breached: false, estimate: Number.NaN };
  const a = k + 1;
  const b = n - k + 1;
  // In logs: p0^k (1 − p0)^(n−k) underflows long before the ratio stops being meaningful.
  const logNumerator = logBeta(a, b) + Math.log(betaSf(p0, a, b));
  const logDenominator = Math.log1p(-p0) * (n - k + 1) + Math.log(p0) * k;
  const likelihoodRatio = Math.exp(logNumerator - logDenominator);
  return {
    pValue: Math.min(1, 1 / likelihoodRatio),
    likelihoodRatio,
    breached: likelihoodRatio >= 1 / alpha,
    estimate: k / n,
  };
}
