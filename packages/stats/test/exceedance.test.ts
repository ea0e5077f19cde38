import { describe, expect, it } from 'vitest';
import { createRng, exceedanceTest, isStatsError } from '../src/index.js';

/** The mixture ratio straight from its definition, by composite Simpson on (p0, 1]. */
function simpsonRatio(k: number, n: number, p0: number, steps = 20_000): number {
  // Divided by the null likelihood inside the integrand, so nothing underflows for moderate n.
  const f = (p: number) => Math.exp(k * Math.log(p / p0) + (n - k) * Math.log((1 - p) / (1 - p0)));
  const h = (1 - p0) / steps;
  let s = f(p0) + f(1);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * f(p0 + i * h);
  return (s * h) / 3 / (1 - p0);
}

describe('exceedanceTest', () => {
  it('matches a numerical integration of the mixture likelihood ratio', () => {
    for (const [k, n, p0] of [
      [0, 10, 0.05],
      [3, 10, 0.05],
      [12, 100, 0.05],
      [30, 200, 0.1],
      [2, 400, 0.01],
      [50, 60, 0.5],
    ] as const) {
      const r = exceedanceTest({ exceed: k, total: n, p0 });
      const reference = simpsonRatio(k, n, p0);
      expect(r.likelihoodRatio / reference, `k=${k} n=${n} p0=${p0}`).toBeCloseTo(1, 6);
      expect(r.pValue).toBeCloseTo(Math.min(1, 1 / reference), 6);
      expect(r.estimate).toBe(k / n);
    }
  });

  it('stays finite in logs where the null likelihood underflows', () => {
    const r = exceedanceTest({ exceed: 5000, total: 100_000, p0: 0.05 });
    expect(Number.isFinite(r.likelihoodRatio)).toBe(true);
    expect(r.breached).toBe(false);
    expect(exceedanceTest({ exceed: 20_000, total: 100_000, p0: 0.05 }).pValue).toBe(0);
  });

  it('reports no evidence before any observation', () => {
    expect(exceedanceTest({ exceed: 0, total: 0, p0: 0.05 })).toMatchObject({
      pValue: 1,
      likelihoodRatio: 1,
      breached: false,
    });
  });

  it('refuses what is not a pair of counts or a share', () => {
    const bad = [
      { exceed: 3, total: 2, p0: 0.05 },
      { exceed: 1.5, total: 2, p0: 0.05 },
      { exceed: -1, total: 2, p0: 0.05 },
      { exceed: 1, total: 2, p0: 0 },
      { exceed: 1, total: 2, p0: 1 },
      { exceed: 1, total: 2, p0: 0.05, alpha: 1 },
    ];
    for (const input of bad) {
      let error: unknown;
      try {
        exceedanceTest(input);
      } catch (e) {
        error = e;
      }
      expect(isStatsError(error), JSON.stringify(input)).toBe(true);
    }
  });

  // Checked after every one of 2,000 observations, 2,000 runs each: the share of runs that ever
  // breach is the false-stop rate a guardrail checked after every batch would have.
  const RUNS = 2000;
  const STEPS = 2000;
  const P0 = 0.05;
  const ALPHA = 0.05;
  function everBreached(p: number, seed: number): number {
    const rng = createRng(seed);
    let breaches = 0;
    for (let run = 0; run < RUNS; run++) {
      let k = 0;
      for (let n = 1; n <= STEPS; n++) {
        if (rng() < p) k++;
        if (exceedanceTest({ exceed: k, total: n, p0: P0, alpha: ALPHA }).breached) {
          breaches++;
          break;
        }
      }
    }
    return breaches / RUNS;
  }

  it('ever breaches in at most alpha of runs when p = p0, checked after every observation', () => {
    const rate = everBreached(P0, 20261202);
    // Three Monte-Carlo standard errors of a 5% share over 2,000 runs.
    const margin = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / RUNS);
    expect(rate).toBeLessThanOrEqual(ALPHA + margin);
  });

  it('breaches in most runs when p = 3·p0', () => {
    expect(everBreached(3 * P0, 20261203)).toBeGreaterThan(0.9);
  });
});
