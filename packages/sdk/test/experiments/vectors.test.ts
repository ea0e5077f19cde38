import vectors from '@edgewise/protocol/vectors/assignment.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { assignToGroup, md5Mod100 } from '../../src/experiments/ab-assignment.js';
import { assignArm } from '../../src/experiments/assign-arm.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { hashBucket, hashToUnit } from '../../src/experiments/hash-to-unit.js';
import { md5Hex } from '../../src/experiments/md5.js';

// Every expected value here was computed by Python's hashlib (see generate_assignment_vectors.py
// beside the vectors in packages/protocol).

function experimentFrom(spec: (typeof vectors.experiments)[number], index: number): ExperimentConfig {
  return {
    key: `vector-${index}`,
    type: 'ab',
    seed: spec.seed,
    policyVersion: 1,
    coverage: spec.coverage,
    arms: spec.weights.map((weight, i) => ({ name: `arm-${i}`, model: 'm', version: `${i}.0.0`, weight })),
  };
}

describe('assignment parity with the Python reference vectors', () => {
  it('has at least 1,000 assignToGroup vectors over several seeds, splits and non-ASCII ids', () => {
    const cases = [...vectors.assignToGroup, ...vectors.assignToGroupDefaults];
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(vectors.assignToGroup.map((c) => c.seed)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(vectors.assignToGroup.map((c) => c.splitRatio)).size).toBeGreaterThanOrEqual(8);
    expect(cases.some((c) => [...c.userId].some((ch) => ch.codePointAt(0)! > 0x7f))).toBe(true);
  });

  it('hashes UTF-8 text exactly as hashlib.md5', () => {
    for (const c of vectors.md5) expect(md5Hex(c.input), JSON.stringify(c.input)).toBe(c.hex);
  });

  it('computes int(md5, 16) % 100 as Python does', () => {
    for (const c of vectors.assignToGroup)
      expect(md5Mod100(`${c.userId}_${c.seed}`), c.userId).toBe(c.mod100);
  });

  it('puts every user in the same group as assign_to_group(user_id, split_ratio, seed)', () => {
    const mismatches = vectors.assignToGroup.filter(
      (c) => assignToGroup(c.userId, c.splitRatio, c.seed) !== c.group,
    );
    expect(mismatches).toEqual([]);
  });

  it('uses split 0.5 and seed 42 by default, as the reference', () => {
    const mismatches = vectors.assignToGroupDefaults.filter((c) => assignToGroup(c.userId) !== c.group);
    expect(mismatches).toEqual([]);
  });

  it('gives the same bucket and unit as the documented hashToUnit formula', () => {
    for (const c of vectors.hashToUnit) {
      expect(hashBucket(c.userId, c.seed), c.userId).toBe(c.bucket);
      expect(hashToUnit(c.userId, c.seed), c.userId).toBe(c.unit);
    }
  });

  it('chooses the same arm, propensity and holdout as the Python bucket ranges', () => {
    const experiments = vectors.experiments.map(experimentFrom);
    const got = vectors.assignArm.map((c) => {
      const a = assignArm(c.userId, experiments[c.experiment]!);
      return {
        experiment: c.experiment,
        userId: c.userId,
        index: a.index,
        probability: a.probability,
        inExperiment: a.inExperiment,
      };
    });
    expect(got).toEqual(vectors.assignArm);
  });
});
