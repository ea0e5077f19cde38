import { noncentralTCdf, noncentralTSf } from '../special/noncentral-t.js';
import { normalIsf, normalQuantile } from '../special/normal.js';
import { brentRoot } from '../special/root.js';
import { studentTIsf } from '../special/student-t.js';
import type { Alternative } from '../types.js';
import { badArgument, requireFinite, requireOneOf, requireOpenUnit, requirePositive } from '../validate.js';

export interface SampleSizeProportionsInput {
  /** Control conversion rate, strictly between 0 and 1 (e.g. 0.10). */
  baseline: number;
  /**
   * Minimum detectable effect. Absolute by default (0.01 = one percentage point);
   * with `relative: true` a fraction of the baseline (0.05 = a 5% lift, 10% → 10.5%).
   */
  mde: number;
  relative?: boolean;
  /** Default 0.05. */
  alpha?: number;
  /** Default 0.8. */
  power?: number;
  /** Treatment-to-control size ratio nB / nA. Default 1. */
  ratio?: number;
  /** Default `'two-sided'`. */
  alternative?: Alternative;
  /** Return the unrounded solution instead of rounding up to whole users. */
  exact?: boolean;
}

function checkCommon(alphaIn: unknown, powerIn: unknown, ratioIn: unknown, altIn: unknown) {
  const alpha = requireOpenUnit('alpha', alphaIn ?? 0.05);
  const power = requireOpenUnit('power', powerIn ?? 0.8);
  const ratio = requirePositive('ratio', ratioIn ?? 1);
  const alternative = requireOneOf('alternative', altIn ?? 'two-sided', [
    'two-sided',
    'greater',
    'less',
  ] as const);
  if (power <= alpha) badArgument(`power (${power}) must exceed alpha (${alpha})`);
  return { alpha, power, ratio, alternative };
}

/**
 * Users needed in the control arm (A) to detect a change in a conversion rate; the treatment
 * arm needs `ratio` times as many. Normal approximation with the pooled variance under H0 and
 * the unpooled variance under H1, counting only the tail the effect lies in — exactly statsmodels'
 * `samplesize_proportions_2indep_onetail`. This is the binomial calculation: never feed a
 * relative lift to a Cohen's-d solver as if it were a standardized effect.
 *
 * @example
 * // 10% baseline, detect a 5% relative lift (10% → 10.5%) at alpha 0.05, power 0.8
 * sampleSizeTwoProportions({ baseline: 0.1, mde: 0.05, relative: true }); // 57,763 per group
 */
export function sampleSizeTwoProportions(input: SampleSizeProportionsInput): number {
  const baseline = requireOpenUnit('baseline', input?.baseline);
  const mde = requireFinite('mde', input.mde);
  if (mde === 0) badArgument('mde must be non-zero: the smallest change worth detecting');
  const { alpha, power, ratio, alternative } = checkCommon(
    input.alpha,
    input.power,
    input.ratio,
    input.alternative,
  );
  const pA = baseline;
  const pB = input.relative ? baseline * (1 + mde) : baseline + mde;
  if (!(pB > 0 && pB < 1)) {
    badArgument(
      `baseline ${input.relative ? '× (1 + mde)' : '+ mde'} must stay strictly between 0 and 1, got ${pB}`,
    );
  }
  const pooled = (pA + ratio * pB) / (1 + ratio);
  const sdNull = Math.sqrt(pooled * (1 - pooled) * (1 + 1 / ratio));
  const sdAlt = Math.sqrt(pA * (1 - pA) + (pB * (1 - pB)) / ratio);
  const zAlpha = normalIsf(alternative === 'two-sided' ? alpha / 2 : alpha);
  const zBeta = normalQuantile(power);
  const n = (Math.max(zAlpha * sdNull + zBeta * sdAlt, 0) / (pB - pA)) ** 2;
  return input.exact ? n : Math.ceil(n);
}

export interface PowerTTestInput {
  /** Standardized effect size (Cohen's d): difference in means over the common SD. */
  effectSize: number;
  /** Observations in group 1; group 2 has `ratio` × as many. */
  nobs1: number;
  alpha?: number;
  ratio?: number;
  alternative?: Alternative;
}

/**
 * Power of the two-sample pooled t-test, as statsmodels `TTestIndPower().power` (noncentral t).
 * `'greater'` means group 2 above group 1 when effectSize > 0, as statsmodels' `'larger'`.
 *
 * @example powerTTestInd({ effectSize: 0.05, nobs1: 6281 }) // 0.80002
 */
export function powerTTestInd(input: PowerTTestInput): number {
  const d = requireFinite('effectSize', input?.effectSize);
  const nobs1 = requirePositive('nobs1', input.nobs1);
  const alpha = requireOpenUnit('alpha', input.alpha ?? 0.05);
  const ratio = requirePositive('ratio', input.ratio ?? 1);
  const alternative = requireOneOf('alternative', input.alternative ?? 'two-sided', [
    'two-sided',
    'greater',
    'less',
  ] as const);
  return tTestPower(d, nobs1, alpha, ratio, alternative);
}

function tTestPower(
  d: number,
  nobs1: number,
  alpha: number,
  ratio: number,
  alternative: Alternative,
): number {
  const nobs2 = nobs1 * ratio;
  const df = nobs1 + nobs2 - 2;
  const nc = d * Math.sqrt(1 / (1 / nobs1 + 1 / nobs2));
  const tail = alternative === 'two-sided' ? alpha / 2 : alpha;
  const crit = studentTIsf(tail, df);
  let power = 0;
  if (alternative !== 'less') power += noncentralTSf(crit, df, nc);
  if (alternative !== 'greater') power += noncentralTCdf(-crit, df, nc);
  return power;
}

export interface SampleSizeCohensDInput {
  /** Standardized effect size (Cohen's d), e.g. 0.2 small, 0.5 medium. Not a relative lift. */
  effectSize: number;
  alpha?: number;
  power?: number;
  /** nobs2 / nobs1, as statsmodels. Default 1. */
  ratio?: number;
  alternative?: Alternative;
  /** Return the unrounded solution (6280.05 for d = 0.05) instead of rounding up (6281). */
  exact?: boolean;
}

/**
 * Observations in group 1 for a two-sample t-test to reach `power` at standardized effect
 * `effectSize`; equals statsmodels `TTestIndPower().solve_power(...)` (noncentral t, solved to
 * 1e-10 relative). Group 2 needs `ratio` times as many.
 *
 * @example
 * sampleSizeCohensD({ effectSize: 0.05 });               // 6281
 * sampleSizeCohensD({ effectSize: 0.05, exact: true });  // 6280.0489...
 */
export function sampleSizeCohensD(input: SampleSizeCohensDInput): number {
  const d = requireFinite('effectSize', input?.effectSize);
  if (d === 0) badArgument('effectSize must be non-zero (a standardized difference, e.g. 0.2)');
  const { alpha, power, ratio, alternative } = checkCommon(
    input.alpha,
    input.power,
    input.ratio,
    input.alternative,
  );
  if ((alternative === 'greater' && d < 0) || (alternative === 'less' && d > 0)) {
    badArgument(`effectSize ${d} lies on the wrong side for alternative '${alternative}'`);
  }
  const f = (n: number) => tTestPower(d, n, alpha, ratio, alternative) - power;
  // Start from the normal approximation and widen the bracket until it holds the root.
  const zA = normalIsf(alternative === 'two-sided' ? alpha / 2 : alpha);
  const guess = Math.max(2, ((zA + normalQuantile(power)) / Math.abs(d)) ** 2 * (1 + 1 / ratio));
  let lo = Math.max(1 + 1e-9, guess / 2);
  let hi = guess * 2 + 10;
  // df = nobs1 (1 + ratio) − 2 must stay positive.
  const minN = 2 / (1 + ratio) + 1e-9;
  lo = Math.max(lo, minN);
  for (let i = 0; i < 60 && f(lo) > 0; i++) lo = Math.max(minN, lo / 4);
  for (let i = 0; i < 60 && f(hi) < 0; i++) hi *= 4;
  const n = brentRoot(f, lo, hi, 1e-10 * guess);
  return input.exact ? n : Math.ceil(n);
}
