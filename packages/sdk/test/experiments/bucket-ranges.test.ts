import { describe, expect, it } from 'vitest';
import { assignArm, chooseArm } from '../../src/experiments/assign-arm.js';
import { bucketRanges, rangeIndex } from '../../src/experiments/bucket-ranges.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';

const USERS = Array.from({ length: 20_000 }, (_, i) => `u${i}`);

function experiment(weights: number[], coverage = 1): ExperimentConfig {
  return {
    key: 'moves',
    type: 'bandit',
    seed: 1,
    policyVersion: 1,
    coverage,
    arms: weights.map((weight, i) => ({ name: `arm-${i}`, model: 'm', version: `${i}.0.0`, weight })),
  };
}

function shareMoved(before: ExperimentConfig, after: ExperimentConfig): number {
  let moved = 0;
  for (const user of USERS) {
    const a = assignArm(user, before);
    const b = assignArm(user, after);
    if (a.inExperiment !== b.inExperiment || a.index !== b.index) moved++;
  }
  return moved / USERS.length;
}

describe('bucket ranges', () => {
  it('lays arms out in order over [0, 1) with coverage shrinking each from its start', () => {
    expect(bucketRanges([1, 1, 2])).toEqual([
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 1],
    ]);
    expect(bucketRanges([1, 1], 0.5)).toEqual([
      [0, 0.25],
      [0.5, 0.75],
    ]);
    expect(rangeIndex(0.3, bucketRanges([1, 1], 0.5))).toBe(-1);
    expect(rangeIndex(0.5, bucketRanges([1, 1], 0.5))).toBe(1);
  });

  it('moves only the users between the old and new boundary when weights change (50/50 → 60/40 moves ~10%)', () => {
    const moved = shareMoved(experiment([50, 50]), experiment([60, 40]));
    expect(moved).toBeGreaterThan(0.09);
    expect(moved).toBeLessThan(0.11);
  });

  it('never moves a user who was already in when coverage grows', () => {
    for (const user of USERS) {
      const before = assignArm(user, experiment([1, 2, 1], 0.2));
      const after = assignArm(user, experiment([1, 2, 1], 0.6));
      if (before.inExperiment) expect(after).toEqual(before);
    }
  });

  it('prefers an explicit server policy, then policyWeights, then arm weights', () => {
    const base = experiment([1, 0]);
    expect(assignArm('someone', base).index).toBe(0);
    expect(assignArm('someone', { ...base, policyWeights: [0, 1] }).index).toBe(1);
    const chosen = chooseArm(
      'someone',
      { ...base, policyWeights: [0, 1] },
      { policy: { weights: [1, 0], policyVersion: 9 } },
    );
    expect(chosen).toMatchObject({
      index: 0,
      arm: 'arm-0',
      version: '0.0.0',
      policyVersion: '9',
      probability: 1,
    });
  });

  it('refuses a policy whose weights do not line up with the arms', () => {
    expect(() => chooseArm('x', experiment([1, 1]), { policy: { weights: [1], policyVersion: 2 } })).toThrow(
      /2 arms/,
    );
  });

  it('still takes a bare server policy as the third argument, as callers before AssignOptions did', () => {
    const policy = { weights: [0, 1], policyVersion: 3 };
    expect(chooseArm('someone', experiment([1, 0]), policy)).toMatchObject({ index: 1, policyVersion: '3' });
  });
});
