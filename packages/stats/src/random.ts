// Seeded randomness for Monte Carlo and simulations: xoshiro128** (Blackman & Vigna) seeded through
// splitmix32, plus the few samplers the bandits need. Same seed → same stream, in Node and browsers.

import type { Rng } from './types.js';

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashSeed(seed: number | string): number {
  if (typeof seed === 'number') return (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
  // FNV-1a over UTF-16 code units: string seeds such as an experiment key.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A reproducible uniform generator on [0, 1) (xoshiro128**, 2^128 − 1 period).
 *
 * @example
 * const rng = createRng(42);
 * rng(); // same value on every run and platform
 */
export function createRng(seed: number | string = 0): Rng {
  const init = splitmix32(hashSeed(seed));
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A standard normal draw (Box–Muller). */
export function sampleNormal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the u^(1/shape) boost). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = rng();
    while (u === 0) u = rng();
    return sampleGamma(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(a, b) draw, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

/** A Student t draw with `df` degrees of freedom. */
export function sampleStudentT(rng: Rng, df: number): number {
  return sampleNormal(rng) / Math.sqrt((2 * sampleGamma(rng, df / 2)) / df);
}

/** A Binomial(n, p) draw by summing Bernoulli trials; fine for the n ≤ 10⁴ of simulations. */
export function sampleBinomial(rng: Rng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < p) k++;
  return k;
}
