import { describe, expect, it } from 'vitest';
import { assignToGroup } from '../../src/experiments/ab-assignment.js';
import { assignArm } from '../../src/experiments/assign-arm.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { chiSquareTest, upperGammaQ } from './chi-square.js';

const USERS = Array.from({ length: 100_000 }, (_, i) => `synthetic-user-${i}`);

function experiment(weights: number[], coverage?: number): ExperimentConfig {
  return {
    key: 'split-check',
    type: 'bandit',
    seed: 'split-check-seed',
    policyVersion: 3,
    ...(coverage === undefined ? {} : { coverage }),
    arms: weights.map((weight, i) => ({ name: `arm-${i}`, model: 'm', version: '1.0.0', weight })),
  };
}

describe('chi-square helper', () => {
  it('matches tabulated chi-square critical values', () => {
    // 5% critical values for df 1..4, and the 0.1% value for df 2.
    expect(upperGammaQ(0.5, 3.841459 / 2)).toBeCloseTo(0.05, 6);
    expect(upperGammaQ(1, 5.991465 / 2)).toBeCloseTo(0.05, 6);
    expect(upperGammaQ(1.5, 7.814728 / 2)).toBeCloseTo(0.05, 6);
    expect(upperGammaQ(2, 9.487729 / 2)).toBeCloseTo(0.05, 6);
    expect(upperGammaQ(1, 13.815511 / 2)).toBeCloseTo(0.001, 7);
  });

  it('flags a split that is off by 1% over 100,000 users', () => {
    expect(chiSquareTest([51_000, 49_000], [0.5, 0.5]).pValue).toBeLessThan(0.001);
  });
});

describe('arm split over 100,000 synthetic user ids', () => {
  it.each([[[1, 1]], [[0.5, 0.3, 0.2]], [[0.1, 0.7, 0.15, 0.05]], [[1, 1, 1, 1, 1]]])(
    'matches weights %j (chi-square p > 0.001)',
    (weights) => {
      const counts = new Array<number>(weights.length).fill(0);
      for (const user of USERS) counts[assignArm(user, experiment(weights)).index]!++;
      const total = weights.reduce((s, w) => s + w, 0);
      const { pValue } = chiSquareTest(
        counts,
        weights.map((w) => w / total),
      );
      expect(pValue).toBeGreaterThan(0.001);
    },
  );

  it('lets only the coverage share in, split by weight among those', () => {
    let inside = 0;
    const counts = [0, 0, 0];
    for (const user of USERS) {
      const a = assignArm(user, experiment([0.5, 0.3, 0.2], 0.25));
      if (a.inExperiment) {
        inside++;
        counts[a.index]!++;
      }
    }
    expect(chiSquareTest([inside, USERS.length - inside], [0.25, 0.75]).pValue).toBeGreaterThan(0.001);
    expect(chiSquareTest(counts, [0.5, 0.3, 0.2]).pValue).toBeGreaterThan(0.001);
  });

  it('splits assignToGroup as its ratio says', () => {
    let b = 0;
    for (const user of USERS) if (assignToGroup(user, 0.2, 7) === 'B') b++;
    expect(chiSquareTest([b, USERS.length - b], [0.2, 0.8]).pValue).toBeGreaterThan(0.001);
  });
});
