// Student's t distribution through the incomplete beta function:
// P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.

import { betaBoth, betaQuantile } from './beta.js';
import { logBeta } from './gamma.js';
import { normalCdf, normalPdf, normalQuantile, normalSf } from './normal.js';

/** P(|T| > |t|) / 2, accurate for large |t| and small |t| alike. */
function tailHalf(t: number, df: number): number {
  const t2 = t * t;
  // x = ν/(ν+t²) and y = 1 − x, each formed without cancellation.
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return 0.5 * betaBoth(x, df / 2, 0.5, y)[0];
}

/** Student t density with `df` degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return normalPdf(t);
  return Math.exp(-((df + 1) / 2) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/**
 * Student t CDF, P(T ≤ t), for `df` > 0 degrees of freedom (Infinity gives the normal).
 * @example studentTCdf(2.0, 10) // 0.963305
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const tail = tailHalf(t, df);
  return t > 0 ? 1 - tail : tail;
}

/** Student t survival function, P(T > t), accurate in the upper tail. */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalSf(t);
  return studentTCdf(-t, df);
}

/** The t with P(T > t) = q, for 0 < q ≤ ½. */
function upperQuantile(q: number, df: number): number {
  if (q === 0.5) return 0;
  let t: number;
  if (2 * q < 0.5) {
    // Solve ½ I_x(ν/2, ½) = q for x = ν/(ν+t²).
    const x = betaQuantile(2 * q, df / 2, 0.5);
    t = Math.sqrt((df * (1 - x)) / x);
  } else {
    // Near the centre solve for y = t²/(ν+t²) = 1 − x instead, keeping its digits.
    const y = betaQuantile(1 - 2 * q, 0.5, df / 2);
    t = Math.sqrt((df * y) / (1 - y));
  }
  // Polish with Newton steps on the upper tail itself.
  for (let i = 0; i < 3 && Number.isFinite(t); i++) {
    const dens = studentTPdf(t, df);
    if (!(dens > 0)) break;
    const step = (studentTSf(t, df) - q) / dens;
    t += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(t)) break;
  }
  return t;
}

/**
 * Student t quantile: the t with P(T ≤ t) = p.
 * @example studentTQuantile(0.975, 10) // 2.228139
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  return p < 0.5 ? -upperQuantile(p, df) : upperQuantile(1 - p, df);
}

/** Upper-tail t quantile: the t with P(T > t) = q, exact for tiny q. */
export function studentTIsf(q: number, df: number): number {
  if (Number.isNaN(q) || q < 0 || q > 1 || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return -normalQuantile(q);
  if (q === 0) return Number.POSITIVE_INFINITY;
  if (q === 1) return Number.NEGATIVE_INFINITY;
  return q <= 0.5 ? upperQuantile(q, df) : -upperQuantile(1 - q, df);
}
