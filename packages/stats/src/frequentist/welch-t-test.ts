import { studentTCdf, studentTIsf, studentTSf } from '../special/student-t.js';
import type { Alternative, MeanSample } from '../types.js';
import { badArgument, requireOneOf, requireOpenUnit } from '../validate.js';
import { sampleMoments } from './sample-stats.js';

export interface WelchInput {
  /** Per-user sufficient statistics of the control group (A). */
  control: MeanSample;
  /** Per-user sufficient statistics of the treatment group (B). */
  treatment: MeanSample;
}

export interface WelchOptions {
  /** Significance level for `significant` and the confidence interval. Default 0.05. */
  alpha?: number;
  /** `'greater'`: H1 is treatment > control; `'less'`: treatment < control. Default `'two-sided'`. */
  alternative?: Alternative;
}

export interface WelchResult {
  /** Welch t statistic, diff / standardError; positive when treatment is higher. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  df: number;
  pValue: number;
  /** meanTreatment − meanControl. */
  diff: number;
  /**
   * (1 − alpha) confidence interval for the difference, matching the alternative as scipy's
   * `ttest_ind(...).confidence_interval()` does: two-sided by default, `[lower, Infinity]` for
   * `'greater'`, `[-Infinity, upper]` for `'less'` (so it excludes 0 exactly when p < alpha).
   */
  ci: { lower: number; upper: number };
  meanControl: number;
  meanTreatment: number;
  /** √(s²_A/n_A + s²_B/n_B), the unpooled standard error of `diff`. */
  standardError: number;
  alternative: Alternative;
  alpha: number;
  /** pValue < alpha. */
  significant: boolean;
}

/**
 * Welch's two-sample t-test on per-user values, from sufficient statistics `{ n, sum, sumSquares }`
 * per group: = scipy `ttest_ind_from_stats(..., equal_var=False)` with the Welch interval. Welch
 * rather than Student because bandit and ramped traffic give groups of unequal size, and a
 * treatment often changes the spread as well as the mean; with equal variances it loses almost
 * nothing. The unit must be the user (one value per user, e.g. revenue per user), not the event:
 * events of one user are correlated and an event-level test overstates the evidence.
 *
 * Throws `BAD_ARGUMENT` when a group has fewer than 2 users or when both groups have zero
 * variance (then there is no standard error and no test).
 *
 * @example
 * const r = welchTTest({
 *   control: { n: 400, sum: 812.5, sumSquares: 2210.3 },
 *   treatment: { n: 380, sum: 860.1, sumSquares: 2391.7 },
 * });
 * r.diff;   // 0.232 (treatment − control)
 * r.pValue; // 0.0044
 * r.ci;     // { lower: 0.073, upper: 0.392 }
 */
export function welchTTest(input: WelchInput, options: WelchOptions = {}): WelchResult {
  const a = sampleMoments('control', input?.control, { minN: 2, needSquares: true });
  const b = sampleMoments('treatment', input?.treatment, { minN: 2, needSquares: true });
  const alternative = requireOneOf('alternative', options.alternative ?? 'two-sided', [
    'two-sided',
    'greater',
    'less',
  ] as const);
  const alpha = requireOpenUnit('alpha', options.alpha ?? 0.05);
  const vA = a.variance / a.n;
  const vB = b.variance / b.n;
  const se2 = vA + vB;
  if (!(se2 > 0))
    badArgument(
      'control and treatment both have zero variance (every user has the same value): no standard error, no test',
    );
  const standardError = Math.sqrt(se2);
  const diff = b.mean - a.mean;
  const t = diff / standardError;
  const df = (se2 * se2) / ((vA * vA) / (a.n - 1) + (vB * vB) / (b.n - 1));
  let pValue: number;
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  if (alternative === 'two-sided') {
    pValue = Math.min(1, 2 * studentTSf(Math.abs(t), df));
    const half = studentTIsf(alpha / 2, df) * standardError;
    lower = diff - half;
    upper = diff + half;
  } else if (alternative === 'greater') {
    pValue = studentTSf(t, df);
    lower = diff - studentTIsf(alpha, df) * standardError;
  } else {
    pValue = studentTCdf(t, df);
    upper = diff + studentTIsf(alpha, df) * standardError;
  }
  return {
    t,
    df,
    pValue,
    diff,
    ci: { lower, upper },
    meanControl: a.mean,
    meanTreatment: b.mean,
    standardError,
    alternative,
    alpha,
    significant: pValue < alpha,
  };
}
