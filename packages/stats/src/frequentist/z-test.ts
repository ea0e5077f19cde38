import { normalCdf, normalIsf, normalSf } from '../special/normal.js';
import type { Alternative, Interval } from '../types.js';
import { requireCounts, requireOneOf, requireOpenUnit } from '../validate.js';

export interface TwoProportionInput {
  /** Conversions in the control arm (A). */
  successesA: number;
  /** Exposures in the control arm (A). */
  totalA: number;
  /** Conversions in the treatment arm (B). */
  successesB: number;
  /** Exposures in the treatment arm (B). */
  totalB: number;
}

export interface ZTestOptions {
  /** `'greater'`: H1 is B > A; `'less'`: B < A. Default `'two-sided'`. */
  alternative?: Alternative;
  /** Significance level for `significant` and the confidence interval. Default 0.05. */
  alpha?: number;
}

export interface ZTestResult {
  /** z statistic (pooled standard error under H0: pA = pB); positive when B converts better. */
  z: number;
  pValue: number;
  /** Observed difference pB − pA. */
  diff: number;
  /** Two-sided (1 − alpha) Wald interval for pB − pA, unpooled standard error. */
  ci: Interval;
  /** Relative lift (pB − pA) / pA; NaN when pA = 0. */
  relativeLift: number;
  rateA: number;
  rateB: number;
  alternative: Alternative;
  alpha: number;
  /** pValue < alpha. */
  significant: boolean;
}

/**
 * Two-proportion z-test, as statsmodels `proportions_ztest` (pooled variance) with the unpooled
 * Wald interval of `confint_proportions_2indep(method='wald')`. Meant for one look at a planned
 * sample size; for monitoring use {@link sequentialTest}.
 *
 * @example
 * const r = twoProportionZTest({ successesA: 100, totalA: 1000, successesB: 130, totalB: 1000 });
 * r.pValue; // 0.0355
 * r.ci;     // [0.0021, 0.0579]
 */
export function twoProportionZTest(input: TwoProportionInput, options: ZTestOptions = {}): ZTestResult {
  const a = requireCounts('A', input?.successesA, input?.totalA);
  const b = requireCounts('B', input?.successesB, input?.totalB);
  const alternative = requireOneOf('alternative', options.alternative ?? 'two-sided', [
    'two-sided',
    'greater',
    'less',
  ] as const);
  const alpha = requireOpenUnit('alpha', options.alpha ?? 0.05);
  const rateA = a.s / a.n;
  const rateB = b.s / b.n;
  const diff = rateB - rateA;
  const pooled = (a.s + b.s) / (a.n + b.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  // With no variance (all or no conversions in both arms) there is no evidence of a difference.
  const z = sePooled > 0 ? diff / sePooled : 0;
  let pValue: number;
  if (alternative === 'two-sided') pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  else if (alternative === 'greater') pValue = normalSf(z);
  else pValue = normalCdf(z);
  const seUnpooled = Math.sqrt((rateA * (1 - rateA)) / a.n + (rateB * (1 - rateB)) / b.n);
  const half = normalIsf(alpha / 2) * seUnpooled;
  return {
    z,
    pValue,
    diff,
    ci: [diff - half, diff + half],
    relativeLift: rateA > 0 ? diff / rateA : Number.NaN,
    rateA,
    rateB,
    alternative,
    alpha,
    significant: pValue < alpha,
  };
}
