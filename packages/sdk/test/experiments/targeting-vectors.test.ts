import type { DeviceClass } from '@edgewise/protocol';
import conditions from '@edgewise/protocol/vectors/conditions.json' with { type: 'json' };
import contextualVectors from '@edgewise/protocol/vectors/contextual.json' with { type: 'json' };
import vectors from '@edgewise/protocol/vectors/targeting.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { assignArm } from '../../src/experiments/assign-arm.js';
import { validateExperiment } from '../../src/experiments/experiment-config.js';
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

describe('conditions.json through validateExperiment and assignArm', () => {
  const withCondition = (condition: unknown) =>
    ({
      key: 'conditional',
      type: 'ab',
      seed: 1,
      policyVersion: 1,
      condition,
      arms: [{ name: 'only', model: 'm', version: '1.0.0', weight: 1 }],
    }) as ExperimentConfig;

  it.each(conditions.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const a = assignArm('someone', withCondition(c.condition), { attributes: c.attributes as Attributes });
    expect(a.reason).toBe(c.expected ? 'assigned' : 'condition');
  });

  it.each(conditions.invalid.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    expect(() => validateExperiment(withCondition(c.condition))).toThrow(c.problem);
  });
});

describe('contextual assignment parity with the Python reference vectors', () => {
  it('assigns every case by its device class’s weights as Python does', () => {
    let checked = 0;
    for (const c of contextualVectors.cases) {
      for (const experiment of contextualVectors.experiments as unknown as ExperimentConfig[]) {
        const deviceClass = (c as { deviceClass?: DeviceClass }).deviceClass;
        const got = assignArm(c.userId, validateExperiment(experiment), deviceClass ? { deviceClass } : {});
        const expected = (c.expected as Record<string, unknown>)[experiment.key];
        expect({ ...got, index: undefined }, `${c.userId} (${deviceClass}) in ${experiment.key}`).toEqual({
          ...(expected as object),
          index: undefined,
        });
        checked++;
      }
    }
    expect(checked).toBe(600);
  });
});
