// biome-ignore-all lint/correctness/noPrecisionLoss: published coefficients keep the digits of their source, so they can be checked against it
// Log-gamma and the regularized incomplete gamma functions P(a, x) and Q(a, x), with their inverse.
// Series / continued fraction (Numerical Recipes §6.2) and a bracketed Halley inversion.

const LN_SQRT_2PI = 0.91893853320467274178;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const EPS = 1e-16;
const TINY = 1e-300;

/**
 * Natural log of |Γ(x)|, relative accuracy about 1e-15.
 * @example logGamma(0.5) // log(√π) = 0.5723649429247001
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  if (x >= 10) {
    // Stirling series: error below 1e-17 relative for x ≥ 10.
    const r = 1 / x;
    const r2 = r * r;
    const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
    return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + series;
  }
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** x^a e^{-x} / Γ(a), computed in logs. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < 100_000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * gammaPrefactor(a, x);
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h * gammaPrefactor(a, x);
}

/** Returns [P(a, x), Q(a, x)], each accurate in its own tail. */
export function gammaBoth(a: number, x: number): [number, number] {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return [Number.NaN, Number.NaN];
  if (x === 0) return [0, 1];
  if (x === Number.POSITIVE_INFINITY) return [1, 0];
  if (x < a + 1) {
    const p = gammaSeries(a, x);
    return [p, 1 - p];
  }
  const q = gammaContinuedFraction(a, x);
  return [1 - q, q];
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  return gammaBoth(a, x)[0];
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  return gammaBoth(a, x)[1];
}

/**
 * The x with P(a, x) = p, or with Q(a, x) = q when `upper` (use it for tiny upper tails).
 * Initial guess from Numerical Recipes' invgammp, then Halley steps kept inside a bracket.
 */
export function gammaPInverse(p: number, a: number, upper = false): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0)) return Number.NaN;
  const lowerP = upper ? 1 - p : p;
  if ((upper && p === 1) || (!upper && p === 0)) return 0;
  if ((upper && p === 0) || (!upper && p === 1)) return Number.POSITIVE_INFINITY;
  const a1 = a - 1;
  const gln = logGamma(a);
  let x: number;
  if (a > 1) {
    const pp = lowerP < 0.5 ? lowerP : upper ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (lowerP < 0.5) z = -z;
    x = Math.max(1e-3, a * (1 - 1 / (9 * a) - z / (3 * Math.sqrt(a))) ** 3);
  } else {
    const t = 1 - a * (0.253 + a * 0.12);
    x = lowerP < t ? (lowerP / t) ** (1 / a) : 1 - Math.log(1 - (lowerP - t) / (1 - t));
  }
  // f(x) = P(a,x) - p (or p - Q(a,x)) is increasing in x; keep a bracket [lo, hi].
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const [P, Q] = gammaBoth(a, x);
    const err = upper ? p - Q : P - p;
    if (err === 0) return x;
    if (err < 0) lo = x;
    else hi = x;
    const dens = Math.exp(a1 * Math.log(x) - x - gln);
    let next: number;
    if (dens > 0 && Number.isFinite(dens)) {
      const u = err / dens;
      const step = u / (1 - 0.5 * Math.min(1, u * (a1 / x - 1)));
      next = x - step;
    } else {
      next = Number.NaN;
    }
    // Converged (a step below rounding can land on the bracket's own end: that is the answer).
    if (Math.abs(next - x) <= 4 * Number.EPSILON * Math.abs(x)) return next;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? 0.5 * (lo + hi) : Math.max(2 * x, lo * 2 + 1);
    x = next;
  }
  return x;
}
