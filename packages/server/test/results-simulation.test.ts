import { createRng, type Rng, sampleBeta, sequentialTest, twoProportionZTest } from '@edgewise/stats';
import { describe, expect, it } from 'vitest';
import { ALPHA, computeResults } from '../src/results/compute-results.js';
import { ARM_COUNTERS, zeroCounters } from '../src/storage/counters.js';
import type { ArmAggregate, ExperimentRecord } from '../src/storage/records.js';

const USERS = 2_000;
const REPETITIONS = 500;

const record: ExperimentRecord = {
  key: 'null-ab',
  type: 'ab',
  seed: 1,
  arms: [
    { name: 'control', model: 'm', version: '1', weight: 0.5 },
    { name: 'treatment', model: 'm', version: '1', weight: 0.5 },
  ],
  policyVersion: 1,
  policyWeights: null,
  updatedAt: 0,
  stops: [],
};

/**
 * One A/B test under the null: both arms behave the same. Each user has their own propensity
 * (Beta(0.5, 2), so users differ a lot) and 1–20 sessions, each an exposure and a 0/1 reward. The
 * arms' counters are built from per-user sums exactly as the ingest fold builds them.
 */
function simulateArms(rng: Rng): ArmAggregate[] {
  const arms = record.arms.map((a) => ({
    experiment: record.key,
    arm: a.name,
    ...zeroCounters(ARM_COUNTERS),
  }));
  for (let u = 0; u < USERS; u++) {
    const arm = arms[u % 2] as ArmAggregate;
    const propensity = sampleBeta(rng, 0.5, 2);
    const sessions = 1 + Math.floor(rng() * 20);
    let sum = 0;
    for (let s = 0; s < sessions; s++) if (rng() < propensity) sum++;
    arm.exposures += sessions;
    arm.rewardCount += sessions;
    arm.rewardSum += sum;
    arm.rewardSumSq += sum;
    arm.users++;
    arm.convertedUsers += sum > 0 ? 1 : 0;
    arm.userRewardSum += sum;
    arm.userRewardSumSq += sum * sum;
  }
  return arms;
}

/**
 * The computation the server used before counting users, re-created here (not in src): pulls =
 * max(exposure events, reward events), successes = Σ rewards, every event independent.
 */
function oldPerEvent(control: ArmAggregate, treatment: ArmAggregate) {
  const stats = (a: ArmAggregate) => ({
    name: a.arm,
    pulls: Math.max(a.exposures, a.rewardCount),
    rewardSum: a.rewardSum,
    rewardSumSquares: a.rewardSumSq,
  });
  const [c, t] = [stats(control), stats(treatment)];
  const z = twoProportionZTest({
    successesA: c.rewardSum,
    totalA: c.pulls,
    successesB: t.rewardSum,
    totalB: t.pulls,
  });
  const seq = sequentialTest({ control: c, treatment: t, metric: 'proportion', alpha: ALPHA });
  return { zTest: z.pValue < ALPHA, sequential: seq.pValue < ALPHA };
}

describe('false positives under the null (2,000 users, repeated rewards, 500 repetitions)', () => {
  it('stay at or below alpha per user, and are far above it when events are counted as users', () => {
    const rng = createRng('edgewise-null-ab');
    const hits = { perUserVerdict: 0, perUserZ: 0, oldZ: 0, oldSequential: 0 };
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const rows = simulateArms(rng);
      const results = computeResults(record, rows);
      const treatment = results.arms[1];
      expect(results.unit).toBe('users');
      expect(results.metric).toBe('proportion');
      if (results.verdict?.significant) hits.perUserVerdict++;
      if ((treatment?.zTest?.pValue ?? 1) < ALPHA) hits.perUserZ++;
      const old = oldPerEvent(rows[0] as ArmAggregate, rows[1] as ArmAggregate);
      if (old.zTest) hits.oldZ++;
      if (old.sequential) hits.oldSequential++;
    }
    const rate = (n: number) => n / REPETITIONS;
    console.log(
      `[null A/B] false-positive rate at alpha ${ALPHA}: per user (verdict: Holm-adjusted mSPRT) ${rate(hits.perUserVerdict).toFixed(3)}, ` +
        `per user z-test (fixed horizon) ${rate(hits.perUserZ).toFixed(3)}; ` +
        `old per event z-test ${rate(hits.oldZ).toFixed(3)}, old per event mSPRT ${rate(hits.oldSequential).toFixed(3)}`,
    );
    // The verdict's always-valid test is conservative at one look, so its expected rate is below 5%.
    expect(rate(hits.perUserVerdict)).toBeLessThanOrEqual(0.05);
    expect(rate(hits.oldZ)).toBeGreaterThanOrEqual(0.15);
    expect(rate(hits.oldSequential)).toBeGreaterThan(rate(hits.perUserVerdict));
  });
});
