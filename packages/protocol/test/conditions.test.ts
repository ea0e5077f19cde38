import conditions from '@edgewise/protocol/vectors/conditions.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import {
  type Attributes,
  type Condition,
  conditionProblem,
  evaluateCondition,
  FIELD_OPERATORS,
  LOGICAL_OPERATORS,
} from '../src/index.js';

describe('conditions.json', () => {
  it.each(conditions.valid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(conditionProblem(c.condition)).toBeUndefined();
    expect(evaluateCondition(c.condition as Condition, c.attributes as Attributes)).toBe(c.expected);
  });

  it.each(conditions.invalid.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    expect(conditionProblem(c.condition)).toContain(c.problem);
  });

  it('has at least 3 cases for every operator, with answers both ways', () => {
    for (const op of [...FIELD_OPERATORS, ...LOGICAL_OPERATORS]) {
      const cases = conditions.valid.filter((c) => JSON.stringify(c.condition).includes(`"${op}"`));
      expect(cases.length, op).toBeGreaterThanOrEqual(3);
      expect(new Set(cases.map((c) => c.expected)).size, op).toBe(2);
    }
  });
});
