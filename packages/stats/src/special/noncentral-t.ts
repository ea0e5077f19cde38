// Noncentral t distribution by the Poisson-mixture series of Lenth (AS 243), summed outward from
// the Poisson mode as Benton & Krishnamoorthy (2003) recommend, so large noncentrality is stable.
// For t ≥ 0, x = t²/(ν+t²), λ = δ²/2:
//   P(T ≤ t) = Φ(−δ) + ½ Σ_i [p_i I_x(i+½, ν/2) + q_i I_x(i+1, ν/2)]
//   P(T > t) = ½ Σ_i [p_i (1 − I_x(i+½, ν/2)) + q_i (1 − I_x(i+1, ν/2))]
// with p_i = e^{−λ} λ^i / i! and q_i = δ e^{−λ} λ^i / (√2 Γ(i + 3/2)). The second sum is all
// positive for δ ≥ 0, so the upper tail keeps its relative accuracy (power = P(T > t_crit)).

import { betaBoth } from './beta.js';
import { logGamma } from './gamma.js';
import { normalCdf, normalSf } from './normal.js';
import { integrate } from './quadrature.js';
import { brentRoot } from './root.js';
import { studentTCdf, studentTSf } from './student-t.js';

/** [P(T ≤ t), P(T > t)] for t ≥ 0. */
function seriesBoth(t: number, df: number, nc: number): [number, number] {
  if (t === 0) return [normalCdf(-nc), normalSf(-nc)];
  const t2 = t * t;
  const x = t2 / (df + t2);
  const y = df / (df + t2);
  const b = df / 2;
  const lambda = (nc * nc) / 2;
  const k = Math.floor(lambda);
  const logLambda = Math.log(lambda);
  const pk = Math.exp(-lambda + k * logLambda - logGamma(k + 1));
  const qk =
    Math.sign(nc) *
    Math.exp(Math.log(Math.abs(nc)) - lambda + k * logLambda - Math.LN2 / 2 - logGamma(k + 1.5));
  let lowerSum = 0;
  let upperSum = 0;
  const add = (i: number, p: number, q: number): number => {
    const [ip, ipc] = betaBoth(x, i + 0.5, b, y);
    const [iq, iqc] = betaBoth(x, i + 1, b, y);
    lowerSum += p * ip + q * iq;
    upperSum += p * ipc + q * iqc;
    return Math.abs(p) + Math.abs(q);
  };
  add(k, pk, qk);
  // Outward from the mode; each term is bounded by its weight, and weights fall geometrically.
  // Stop only when the weight is negligible against the smaller tail, which is the one reported.
  const base = normalCdf(-nc);
  const small = (w: number) =>
    w < 1e-17 * Math.min(Math.abs(base + 0.5 * lowerSum), Math.abs(0.5 * upperSum)) || w < 1e-300;
  let p = pk;
  let q = qk;
  for (let i = k + 1; i < k + 100_000; i++) {
    p *= lambda / i;
    q *= lambda / (i + 0.5);
    if (small(add(i, p, q))) break;
  }
  p = pk;
  q = qk;
  for (let i = k - 1; i >= 0; i--) {
    p *= (i + 1) / lambda;
    q *= (i + 1.5) / lambda;
    if (small(add(i, p, q))) break;
  }
  const upper = Math.max(0, 0.5 * upperSum);
  const lower = Math.max(0, base + 0.5 * lowerSum);
  // Report each side from the sum that is accurate for it: the smaller one.
  return upper < lower ? [1 - upper, upper] : [lower, 1 - lower];
}

function both(t: number, df: number, nc: number): [number, number] {
  if (Number.isNaN(t) || Number.isNaN(nc) || !(df > 0)) return [Number.NaN, Number.NaN];
  if (nc === 0) return [studentTCdf(t, df), studentTSf(t, df)];
  if (df === Number.POSITIVE_INFINITY) return [normalCdf(t - nc), normalSf(t - nc)];
  if (t === Number.POSITIVE_INFINITY) return [1, 0];
  if (t === Number.NEGATIVE_INFINITY) return [0, 1];
  if (t >= 0) {
    const [l, u] = seriesBoth(t, df, nc);
    // With δ < 0 the upper-tail series alternates in sign; refine a small tail by quadrature.
    if (nc < 0 && u < 1e-3) {
      const upper = oppositeTail(t, df, -nc, u);
      return [1 - upper, upper];
    }
    return [l, u];
  }
  // P(T ≤ t; δ) = P(T' ≥ −t; −δ) by symmetry.
  const [l, u] = seriesBoth(-t, df, -nc);
  if (nc > 0 && u < 1e-3) {
    const lower = oppositeTail(-t, df, nc, u);
    return [lower, 1 - lower];
  }
  return [u, l];
}

/**
 * P(T ≤ −s) for s > 0, δ > 0 — a tail on the far side of the noncentrality — as the chi-square
 * mixture ∫ Φ(−s·√(v/ν) − δ) f_{χ²ν}(v) dv, whose integrand is positive, so the tail keeps its
 * relative accuracy where the series cancels. `guess` (the series value) sets the tolerance.
 */
function oppositeTail(s: number, df: number, nc: number, guess: number): number {
  const k = df / 2;
  const logNorm = k * Math.LN2 + logGamma(k);
  const density = (v: number) => (v <= 0 ? 0 : Math.exp((k - 1) * Math.log(v) - v / 2 - logNorm));
  const spread = 40 * Math.sqrt(2 * df);
  const lo = Math.max(0, df - spread);
  const hi = df + spread + 50;
  const f = (v: number) => density(v) * normalCdf(-s * Math.sqrt(v / df) - nc);
  return integrate(f, lo, hi, Math.max(1e-300, 1e-11 * guess), 32, 400);
}

/**
 * Noncentral t CDF with `df` degrees of freedom and noncentrality `nc`, as scipy.stats.nct.cdf.
 * @example noncentralTCdf(2, 20, 1) // 0.8239
 */
export function noncentralTCdf(t: number, df: number, nc: number): number {
  return both(t, df, nc)[0];
}

/** Noncentral t survival function P(T > t), accurate in the upper tail. */
export function noncentralTSf(t: number, df: number, nc: number): number {
  return both(t, df, nc)[1];
}

/**
 * Noncentral t quantile: the t with P(T ≤ t) = p (Brent's method on the CDF).
 * @example noncentralTQuantile(0.5, 20, 1) // ≈ 1.0125
 */
export function noncentralTQuantile(p: number, df: number, nc: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const f = (t: number) => (p < 0.5 ? noncentralTCdf(t, df, nc) - p : 1 - p - noncentralTSf(t, df, nc));
  const scale = Math.sqrt(1 + (nc * nc) / (2 * df)) + 1;
  let lo = nc - scale;
  let hi = nc + scale;
  for (let i = 0; i < 200 && f(lo) > 0; i++) lo -= (hi - lo) * 2;
  for (let i = 0; i < 200 && f(hi) < 0; i++) hi += (hi - lo) * 2;
  return brentRoot(f, lo, hi, 1e-14 * Math.max(1, Math.abs(nc)));
}
