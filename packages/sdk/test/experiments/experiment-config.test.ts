import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { assignToGroup } from '../../src/experiments/ab-assignment.js';
import { validateExperiment } from '../../src/experiments/experiment-config.js';
import { hashToUnit } from '../../src/experiments/hash-to-unit.js';

const valid = {
  key: 'iris-int8-vs-fp32',
  type: 'ab',
  seed: 7,
  policyVersion: 1,
  arms: [
    { name: 'fp32', model: 'iris', version: '1.0.0', weight: 1 },
    { name: 'int8', model: 'iris', version: '1.1.0', weight: 1 },
  ],
};

function configError(fn: () => unknown): EdgewiseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EdgewiseError);
    expect((error as EdgewiseError).code).toBe('CONFIG');
    return error as EdgewiseError;
  }
  throw new Error('expected a CONFIG error');
}

describe('experiment validation', () => {
  it('accepts the DESIGN.md format with optional coverage and sticky', () => {
    expect(validateExperiment({ ...valid, coverage: 0.5, sticky: true })).toMatchObject({ key: valid.key });
  });

  it.each([
    [{ ...valid, type: 'mab' }, /"type"/],
    [{ ...valid, seed: 1.5 }, /"seed"/],
    [{ ...valid, arms: [] }, /"arms"/],
    [{ ...valid, arms: [valid.arms[0], valid.arms[0]] }, /appears twice/],
    [{ ...valid, arms: [{ ...valid.arms[0], weight: -1 }, valid.arms[1]] }, /arm weights\[0\]/],
    [{ ...valid, arms: valid.arms.map((a) => ({ ...a, weight: 0 })) }, /all be zero/],
    [{ ...valid, policyWeights: [1] }, /one weight per arm/],
    [{ ...valid, coverage: 1.5 }, /coverage/],
    [{ ...valid, policy: 'softmax' }, /"policy"/],
    [{ ...valid, arms: [{ name: 'a', model: 'iris', weight: 1 }] }, /arms\[0\]\.version/],
  ])('names the field at fault (%#)', (config, message) => {
    expect(configError(() => validateExperiment(config)).message).toMatch(message);
  });

  it('rejects float seeds and bad ratios, which would hash differently across languages', () => {
    expect(configError(() => assignToGroup('u', 0.5, 0.5)).message).toMatch(/integer or a string/);
    expect(configError(() => assignToGroup('u', 1.2)).message).toMatch(/between 0 and 1/);
    expect(configError(() => hashToUnit('', 1)).message).toMatch(/userId/);
  });
});
