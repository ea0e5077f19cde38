// Time-uniform coverage of meanConfidenceSequence, by seeded simulation: a band that is checked
// after every observation must cover the true mean at all of them at once, in ≥ 95% of runs.
import { describe, expect, it } from 'vitest';
import { createRng, meanConfidenceSequence, normalQuantile, type Rng, thompsonChoose } from '../src/index.js';

const ALPHA = 0.05;
const P = 0.3;
const STEPS = 2000;
const RUNS = 1000;
const Z = normalQuantile(1 - ALPHA / 2);
// The textbook interval needs n ≥ 30 or so; checking it only from there flatters it.
const NAIVE_FROM = 30;

const bernoulli = (rng: Rng, p: number) => (rng() < p ? 1 : 0);

function naiveExcludes(sum: number, n: number, mu: number): boolean {
  const mean = sum / n;
  return Math.abs(mean - mu) > Z * Math.sqrt((mean * (1 - mean)) / n);
}

function csExcludes(sum: number, n: number, mu: number, plannedN: number): boolean {
  const cs = meanConfidenceSequence({ n, sum }, { bounds: [0, 1], alpha: ALPHA, plannedN });
  return mu < cs.lower || mu > cs.upper;
}

describe('meanConfidenceSequence: coverage at every step of 2,000 Bernoulli(0.3) draws, 1,000 runs', () => {
  it('its band ever excludes the true mean in at most alpha of the runs; the naive interval in far more', () => {
    const rng = createRng('cs-coverage-v1');
    let csEver = 0;
    let naiveEver = 0;
    for (let run = 0; run < RUNS; run++) {
      let sum = 0;
      let cs = false;
      let naive = false;
      for (let n = 1; n <= STEPS && !(cs && naive); n++) {
        sum += bernoulli(rng, P);
        if (!cs && csExcludes(sum, n, P, STEPS)) cs = true;
        if (!naive && n >= NAIVE_FROM && naiveExcludes(sum, n, P)) naive = true;
      }
      csEver += cs ? 1 : 0;
      naiveEver += naive ? 1 : 0;
    }
    console.log(
      `ever excludes the true mean over ${STEPS} looks: confidence sequence ${(csEver / RUNS).toFixed(3)}, ` +
        `naive 95% interval (from n = ${NAIVE_FROM}) ${(naiveEver / RUNS).toFixed(3)}`,
    );
    expect(csEver / RUNS).toBeLessThanOrEqual(ALPHA);
    expect(naiveEver / RUNS).toBeGreaterThan(4 * ALPHA);
  });

  it('covers at a data-dependent stopping time: stop as soon as the naive interval looks conclusive', () => {
    // The analyst peeks after every draw and stops the first time the naive interval excludes 0.3
    // (a "significant" difference from the truth), else at 2,000; both are then read at that n.
    const rng = createRng('cs-stopping-v1');
    let csMiss = 0;
    let naiveMiss = 0;
    for (let run = 0; run < RUNS; run++) {
      let sum = 0;
      let n = 0;
      while (n < STEPS) {
        n++;
        sum += bernoulli(rng, P);
        if (n >= NAIVE_FROM && naiveExcludes(sum, n, P)) break;
      }
      csMiss += csExcludes(sum, n, P, STEPS) ? 1 : 0;
      naiveMiss += naiveExcludes(sum, n, P) ? 1 : 0;
    }
    console.log(
      `miss at the stopping time: confidence sequence ${(csMiss / RUNS).toFixed(3)}, naive ${(naiveMiss / RUNS).toFixed(3)}`,
    );
    expect(csMiss / RUNS).toBeLessThanOrEqual(ALPHA);
    expect(naiveMiss / RUNS).toBeGreaterThan(4 * ALPHA);
  });

  it('without bounds (asymptotic, sample variance plugged in): within alpha once read from n = 30', () => {
    // Asymptotic only: from the first draw a run of zeros has zero variance and a zero-width band.
    const rng = createRng('cs-asymptotic-v1');
    let fromOne = 0;
    let fromThirty = 0;
    for (let run = 0; run < RUNS; run++) {
      let sum = 0;
      let early = false;
      let late = false;
      for (let n = 1; n <= STEPS && !late; n++) {
        sum += bernoulli(rng, P);
        const cs = meanConfidenceSequence({ n, sum, sumSquares: sum }, { alpha: ALPHA, plannedN: STEPS });
        const miss = P < cs.lower || P > cs.upper;
        early ||= miss;
        late ||= miss && n >= NAIVE_FROM;
      }
      fromOne += early ? 1 : 0;
      fromThirty += late ? 1 : 0;
    }
    console.log(
      `asymptotic sequence, ever excludes: from n = 1 ${(fromOne / RUNS).toFixed(3)}, from n = ${NAIVE_FROM} ${(fromThirty / RUNS).toFixed(3)}`,
    );
    expect(fromThirty / RUNS).toBeLessThanOrEqual(ALPHA);
  });

  it('covers each arm under Thompson-sampling allocation, applied to that arm’s own samples', () => {
    const rates = [0.3, 0.36];
    const runs = 300;
    const rng = createRng('cs-bandit-v1');
    const ever = [0, 0];
    for (let run = 0; run < runs; run++) {
      const arms = rates.map((_, i) => ({ name: `arm${i}`, pulls: 0, rewardSum: 0 }));
      const missed = [false, false];
      for (let t = 0; t < STEPS; t++) {
        const k = thompsonChoose(arms, rng);
        const arm = arms[k]!;
        arm.pulls++;
        arm.rewardSum += bernoulli(rng, rates[k]!);
        if (!missed[k] && csExcludes(arm.rewardSum, arm.pulls, rates[k]!, STEPS / 2)) missed[k] = true;
      }
      missed.forEach((m, i) => {
        ever[i]! += m ? 1 : 0;
      });
    }
    console.log(`bandit arms, ever excluded: ${ever.map((e) => (e / runs).toFixed(3)).join(', ')}`);
    for (const e of ever) expect(e / runs).toBeLessThanOrEqual(ALPHA);
  });
});
