// Regularized incomplete beta I_x(a, b) and its inverse: the Beta CDF and quantile.
// Continued fraction by modified Lentz (Numerical Recipes §6.4); inversion by bracketed Halley.

import { logBeta, logGamma } from './gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Returns [I_x(a, b), 1 − I_x(a, b)], each accurate in its own tail. `y` is 1 − x, passed
 * separately so that callers who know it exactly (t distribution) lose no digits.
 */
export function betaBoth(x: number, a: number, b: number, y = 1 - x): [number, number] {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return [Number.NaN, Number.NaN];
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const v = (front * betaContinuedFraction(a, b, x)) / a;
    return [v, 1 - v];
  }
  const v = (front * betaContinuedFraction(b, a, y)) / b;
  return [1 - v, v];
}

/**
 * Beta(a, b) CDF, the regularized incomplete beta function I_x(a, b).
 * @example betaCdf(0.3, 2, 5) // 0.579825
 */
export function betaCdf(x: number, a: number, b: number): number {
  return betaBoth(x, a, b)[0];
}

/** Beta(a, b) survival function 1 − I_x(a, b), accurate in the upper tail. */
export function betaSf(x: number, a: number, b: number): number {
  return betaBoth(x, a, b)[1];
}

/** Beta(a, b) density. */
export function betaPdf(x: number, a: number, b: number): number {
  if (x < 0 || x > 1) return 0;
  if (x === 0) return a < 1 ? Number.POSITIVE_INFINITY : a === 1 ? b : 0;
  if (x === 1) return b < 1 ? Number.POSITIVE_INFINITY : b === 1 ? a : 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/**
 * Beta(a, b) quantile: the x with I_x(a, b) = p; with `upper`, the x with 1 − I_x(a, b) = p
 * (use it for tiny upper tails). Initial guess from Numerical Recipes' invbetai.
 * @example betaQuantile(0.5, 2, 2) // 0.5
 */
export function betaQuantile(p: number, a: number, b: number, upper = false): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0)) return Number.NaN;
  const lowerP = upper ? 1 - p : p;
  if ((upper && p === 1) || (!upper && p === 0)) return 0;
  if ((upper && p === 0) || (!upper && p === 1)) return 1;
  let x: number;
  if (a >= 1 && b >= 1) {
    const pp = lowerP < 0.5 ? lowerP : upper ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (lowerP < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    x = a / (a + b * Math.exp(2 * w));
  } else {
    const lna = Math.log(a / (a + b));
    const lnb = Math.log(b / (a + b));
    const t = Math.exp(a * lna) / a;
    const u = Math.exp(b * lnb) / b;
    const w = t + u;
    x = lowerP < t / w ? (a * w * lowerP) ** (1 / a) : 1 - (b * w * (upper ? p : 1 - p)) ** (1 / b);
  }
  if (!(x > 0 && x < 1)) x = 0.5;
  const afac = logGamma(a + b) - logGamma(a) - logGamma(b);
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 300; i++) {
    const [I, Ic] = betaBoth(x, a, b);
    const err = upper ? p - Ic : I - p;
    if (err === 0) return x;
    if (err < 0) lo = x;
    else hi = x;
    const dens = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) + afac);
    let next = Number.NaN;
    if (dens > 0 && Number.isFinite(dens)) {
      const u = err / dens;
      next = x - u / (1 - 0.5 * Math.min(1, u * ((a - 1) / x - (b - 1) / (1 - x))));
    }
    // Converged (a step below rounding can land on the bracket's own end: that is the answer).
    if (Math.abs(next - x) <= 4 * Number.EPSILON * Math.abs(x)) return next;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= 4 * Number.EPSILON * hi) return next;
    x = next;
  }
  return x;
}
