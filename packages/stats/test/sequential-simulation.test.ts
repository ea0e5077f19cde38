// Peeking under the null: the naive procedure re-runs a fixed-horizon z-test at every look and
// stops at p < 0.05; the mSPRT stops when its always-valid p-value drops below 0.05.
import { describe, expect, it } from 'vitest';
import { createRng, type Rng, sampleBinomial, sequentialTest, twoProportionZTest } from '../src/index.js';

const PEEK_EVERY = 100;
const MAX_PER_ARM = 10_000;
const ALPHA = 0.05;

interface Outcome {
  naive: boolean;
  msprt: boolean;
}

/** One experiment with true rates pA, pB, looked at after every 100 users per arm. */
function runExperiment(rng: Rng, pA: number, pB: number): Outcome {
  let sA = 0;
  let sB = 0;
  let naive = false;
  let msprt = false;
  let previous: ReturnType<typeof sequentialTest> | undefined;
  for (let n = PEEK_EVERY; n <= MAX_PER_ARM; n += PEEK_EVERY) {
    sA += sampleBinomial(rng, PEEK_EVERY, pA);
    sB += sampleBinomial(rng, PEEK_EVERY, pB);
    if (
      !naive &&
      twoProportionZTest({ successesA: sA, totalA: n, successesB: sB, totalB: n }).pValue < ALPHA
    ) {
      naive = true;
    }
    if (!msprt) {
      previous = sequentialTest({
        control: { name: 'A', pulls: n, rewardSum: sA },
        treatment: { name: 'B', pulls: n, rewardSum: sB },
        alpha: ALPHA,
        ...(previous ? { previous } : {}),
      });
      msprt = previous.significant;
    }
    if (naive && msprt) break;
  }
  return { naive, msprt };
}

function rates(runs: number, seed: number, pA: number, pB: number): { naive: number; msprt: number } {
  const rng = createRng(seed);
  let naive = 0;
  let msprt = 0;
  for (let i = 0; i < runs; i++) {
    const o = runExperiment(rng, pA, pB);
    naive += o.naive ? 1 : 0;
    msprt += o.msprt ? 1 : 0;
  }
  return { naive: naive / runs, msprt: msprt / runs };
}

describe('peeking after every 100 users per arm, up to 10,000 per arm', () => {
  it('under the null, the naive repeated z-test fires far above 5% while the mSPRT stays at or below 5%', () => {
    const runs = 2000;
    const r = rates(runs, 20261125, 0.1, 0.1);
    console.log(
      `null (pA = pB = 0.10, ${runs} experiments, 100 looks each): naive repeated z-test false-positive rate ${(r.naive * 100).toFixed(1)}%, mSPRT ${(r.msprt * 100).toFixed(1)}%`,
    );
    expect(r.naive).toBeGreaterThan(0.15);
    expect(r.msprt).toBeLessThanOrEqual(0.05);
  });

  it('under a real lift (10% → 12%) the mSPRT still detects it most of the time', () => {
    const runs = 200;
    const r = rates(runs, 7, 0.1, 0.12);
    console.log(`alternative (0.10 → 0.12, ${runs} experiments): mSPRT power ${(r.msprt * 100).toFixed(1)}%`);
    expect(r.msprt).toBeGreaterThan(0.8);
  });
});
