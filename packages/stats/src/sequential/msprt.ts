// Mixture sequential probability ratio test (Johari, Pekelis & Walsh, "Always valid inference:
// continuous monitoring of A/B tests", Operations Research 2022) for the difference of two means or
// proportions, under the normal approximation θ̂ ~ N(θ, s²), s² = σ²_A/n_A + σ²_B/n_B.
// Mixing the likelihood ratio over θ ~ N(θ0, τ²) gives, in closed form,
//   Λ(θ0) = √(s² / (s² + τ²)) · exp( τ² (θ̂ − θ0)² / (2 s² (s² + τ²)) ).
// Under H0: θ = θ0, Λ is a nonnegative martingale with mean 1, so by Ville's inequality
// P(sup_n Λ_n ≥ 1/α) ≤ α: p = min(1, 1/Λ(0)) may be read after every event, and
// {θ0 : Λ(θ0) < 1/α} is a (1 − α) confidence sequence.

import { checkArm } from '../bandits/arms.js';
import type { ArmStats, Interval } from '../types.js';
import { badArgument, requireOneOf, requireOpenUnit, requirePositive } from '../validate.js';

export type SequentialMetric = 'proportion' | 'mean';

export interface SequentialInput {
  /** Control arm aggregates (A). For proportions, `rewardSum` is the number of conversions. */
  control: ArmStats;
  /** Treatment arm aggregates (B). */
  treatment: ArmStats;
  /** `'proportion'` (0/1 rewards, default) or `'mean'` (real-valued; needs `rewardSumSquares`). */
  metric?: SequentialMetric;
  /** Type I error bound that holds however often you look. Default 0.05. */
  alpha?: number;
  /**
   * Mixture variance τ² over the true difference, in squared units of the metric (for proportions,
   * 0.01² means effects of about a percentage point). Fix it before the experiment starts. When
   * left out, τ² = u·(σ²_A + σ²_B)/N with u solving u = 2 ln(1/α) + ln(1 + u) (about 8.2 at
   * α = 0.05): the choice that makes the confidence sequence narrowest when each arm has N =
   * `plannedSamplesPerArm` users.
   */
  mixtureVariance?: number;
  /** Horizon N for the default mixture variance. Default 10,000. */
  plannedSamplesPerArm?: number;
  /** The previous result for this experiment: keeps the p-value monotone and the sequence nested. */
  previous?: Pick<SequentialResult, 'pValue' | 'ci'>;
}

export interface SequentialResult {
  /** Always-valid p-value for H0: no difference; non-increasing over time when `previous` is passed. */
  pValue: number;
  /**
   * (1 − alpha) confidence sequence for treatment − control, valid at every look simultaneously.
   * Before there is a variance to estimate it is the whole range: [−1, 1] for proportions,
   * [−Infinity, Infinity] for means (which JSON.stringify writes as null).
   */
  ci: Interval;
  /** Observed difference treatment − control. */
  diff: number;
  /** pValue < alpha: safe to stop and declare a difference, even after continuous peeking. */
  significant: boolean;
  /** Mixture likelihood ratio Λ(0) at this look. */
  likelihoodRatio: number;
  /** τ² actually used. */
  mixtureVariance: number;
  /** Standard error s of the difference at this look. */
  standardError: number;
  alpha: number;
  metric: SequentialMetric;
}

/**
 * ln Λ for an estimate `delta` away from the null value, with variance s² and mixture variance τ²:
 * ½·ln(s²/(s²+τ²)) + τ²δ²/(2s²(s²+τ²)). Under the null Λ is a nonnegative martingale with mean 1,
 * so 1/Λ is an always-valid p-value at any shifted null, not only at no difference.
 */
export function normalMixtureLogLikelihoodRatio(delta: number, s2: number, tau2: number): number {
  return 0.5 * Math.log(s2 / (s2 + tau2)) + (tau2 * delta * delta) / (2 * s2 * (s2 + tau2));
}

/** u = 2 ln(1/α) + ln(1 + u), by fixed-point iteration (a contraction: converges in a few steps). */
export function optimalMixtureRatio(alpha: number): number {
  const L = 2 * Math.log(1 / alpha);
  let u = L;
  for (let i = 0; i < 100; i++) {
    const next = L + Math.log1p(u);
    if (Math.abs(next - u) < 1e-14 * next) return next;
    u = next;
  }
  return u;
}

function armVariance(arm: ArmStats, metric: SequentialMetric): number {
  const n = arm.pulls;
  if (metric === 'proportion') {
    // Shrunk by half a success and half a failure so that 0/n or n/n never gives zero variance.
    const p = (arm.rewardSum + 0.5) / (n + 1);
    return p * (1 - p);
  }
  if (n < 2) return Number.NaN;
  const sumSq = arm.rewardSumSquares ?? arm.rewardSum;
  return Math.max(0, (sumSq - (arm.rewardSum * arm.rewardSum) / n) / (n - 1));
}

/**
 * Always-valid sequential test (mSPRT) of treatment versus control: a p-value and a confidence
 * sequence you may recompute after every event and stop on as soon as `pValue < alpha`, with the
 * false-positive rate still at most alpha. (Recomputing a fixed-horizon z-test and stopping at
 * p < 0.05 does not have this property: with 100 looks it fires about 39% of the time under H0.)
 *
 * @example
 * const r = sequentialTest({
 *   control: { name: 'fp32', pulls: 5000, rewardSum: 500 },
 *   treatment: { name: 'int8', pulls: 5000, rewardSum: 590 },
 * });
 * r.pValue; r.ci; r.significant;
 * // next time, pass the last result to keep the p-value monotone:
 * sequentialTest({ control, treatment, previous: r });
 */
export function sequentialTest(input: SequentialInput): SequentialResult {
  const metric = requireOneOf('metric', input?.metric ?? 'proportion', ['proportion', 'mean'] as const);
  const control = checkArm(input.control, 'control', metric === 'proportion');
  const treatment = checkArm(input.treatment, 'treatment', metric === 'proportion');
  const alpha = requireOpenUnit('alpha', input.alpha ?? 0.05);
  const planned = requirePositive('plannedSamplesPerArm', input.plannedSamplesPerArm ?? 10_000);
  if (input.mixtureVariance !== undefined) requirePositive('mixtureVariance', input.mixtureVariance);
  const prev = input.previous;
  if (prev !== undefined) {
    requireOpenUnitOrOne(prev.pValue);
    if (!Array.isArray(prev.ci) || prev.ci.length !== 2)
      badArgument('previous.ci must be a [lower, upper] pair');
  }

  const nA = control.pulls;
  const nB = treatment.pulls;
  const meanA = nA > 0 ? control.rewardSum / nA : 0;
  const meanB = nB > 0 ? treatment.rewardSum / nB : 0;
  const diff = meanB - meanA;
  const varA = armVariance(control, metric);
  const varB = armVariance(treatment, metric);
  const s2 = varA / nA + varB / nB;
  const tau2 = input.mixtureVariance ?? (optimalMixtureRatio(alpha) * (varA + varB)) / planned;
  const fullRange: Interval =
    metric === 'proportion' ? [-1, 1] : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];

  let likelihoodRatio = 1;
  let ci: Interval = fullRange;
  let standardError = Number.NaN;
  // Until both arms have data (and, for means, a variance) there is no evidence either way.
  if (Number.isFinite(s2) && s2 > 0 && Number.isFinite(tau2) && tau2 > 0) {
    standardError = Math.sqrt(s2);
    likelihoodRatio = Math.exp(normalMixtureLogLikelihoodRatio(diff, s2, tau2));
    const half = Math.sqrt(((s2 * (s2 + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log1p(tau2 / s2)));
    ci = [Math.max(fullRange[0], diff - half), Math.min(fullRange[1], diff + half)];
  }
  let pValue = Math.min(1, 1 / likelihoodRatio);
  if (prev) {
    pValue = Math.min(pValue, prev.pValue);
    const lo = Math.max(ci[0], prev.ci[0] ?? Number.NEGATIVE_INFINITY);
    const hi = Math.min(ci[1], prev.ci[1] ?? Number.POSITIVE_INFINITY);
    // Intersecting keeps the sequence nested; an empty intersection can only happen with
    // probability ≤ alpha, and then the latest interval is the honest report.
    ci = lo <= hi ? [lo, hi] : ci;
  }
  return {
    pValue,
    ci,
    diff,
    significant: pValue < alpha,
    likelihoodRatio,
    mixtureVariance: tau2,
    standardError,
    alpha,
    metric,
  };
}

function requireOpenUnitOrOne(p: unknown): void {
  if (typeof p !== 'number' || !(p > 0 && p <= 1))
    badArgument(`previous.pValue must be in (0, 1], got ${String(p)}`);
}
