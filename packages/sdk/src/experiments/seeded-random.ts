/** A source of uniform numbers in [0, 1), as `Math.random`. */
export type RandomSource = () => number;

/**
 * Mulberry32: a tiny, fast 32-bit PRNG. Seeded, so bandit tests and simulations are reproducible;
 * not for anything secret.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: RandomSource): number {
  // Box–Muller; 1 - u keeps log() away from 0.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia–Tsang, with the shape < 1 boost. */
export function sampleGamma(shape: number, random: RandomSource): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(alpha, beta) as the ratio of two gammas. */
export function sampleBeta(alpha: number, beta: number, random: RandomSource): number {
  const x = sampleGamma(alpha, random);
  return x / (x + sampleGamma(beta, random));
}
