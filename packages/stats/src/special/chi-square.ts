// Chi-square distribution: P(X ≤ x) = P(k/2, x/2), the regularized lower incomplete gamma.

import { gammaBoth, gammaPInverse } from './gamma.js';

/**
 * Chi-square CDF with `df` degrees of freedom.
 * @example chiSquareCdf(3.841458820694124, 1) // 0.95
 */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 0;
  return gammaBoth(df / 2, x / 2)[0];
}

/** Chi-square survival function P(X > x), accurate in the upper tail (p-values). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaBoth(df / 2, x / 2)[1];
}

/**
 * Chi-square quantile: the x with P(X ≤ x) = p.
 * @example chiSquareQuantile(0.95, 1) // 3.841458820694124
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return 2 * gammaPInverse(p, df / 2);
}

/** Upper-tail chi-square quantile: the x with P(X > x) = q, exact for tiny q. */
export function chiSquareIsf(q: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return 2 * gammaPInverse(q, df / 2, true);
}
