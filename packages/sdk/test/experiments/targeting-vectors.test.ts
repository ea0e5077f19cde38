import vectors from '@edgewise/protocol/vectors/targeting.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiments/assign-arm.js';
import type { Attributes, ExperimentConfig } from '../../src/experiments/experiment-types.js';

// Computed by generate_targeting_vectors.py (Python's hashlib and its own condition evaluator); the
// server's tests run the same file through POST /v1/assignments.

const experiments = vectors.experiments as unknown as ExperimentConfig[];

describe('targeting parity with the Python reference vectors', () => {
  it('covers every reason', () => {
    const reasons = new Set(vectors.cases.flatMap((c) => Object.values(c.expected).map((e) => e.reason)));
    expect([...reasons].sort()).toEqual([
      'assigned',
      'condition',
      'coverage',
      'holdout',
      'namespace',
      'stopped',
    ]);
    expect(vectors.cases.length).toBeGreaterThanOrEqual(300);
  });

  it('assigns every case of every experiment as Python does', () => {
    let checked = 0;
    for (const c of vectors.cases) {
      for (const experiment of experiments) {
        const got = assignArm(c.userId, experiment, {
          attributes: c.attributes as Attributes,
          holdout: vectors.holdout,
        });
        const expected = (c.expected as Record<string, unknown>)[experiment.key];
        expect({ ...got, index: undefined }, `${c.userId} in ${experiment.key}`).toEqual({
          ...(expected as object),
          index: undefined,
        });
        checked++;
      }
    }
    expect(checked).toBe(vectors.cases.length * experiments.length);
  });
});
