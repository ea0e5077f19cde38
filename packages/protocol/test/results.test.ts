import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { experimentResultsSchema } from '../src/index.js';

const validate = new Ajv().compile(experimentResultsSchema);
const label = { unit: 'users', method: 'm' };

const arm = {
  name: 'b',
  control: false,
  users: 10,
  ineligibleUsers: 1,
  decisions: 12,
  switchedUsers: 0,
  armChanges: 0,
  events: { unit: 'events', exposures: 12, predictions: 0, rewards: 5, rewardSum: 5 },
  metric: { value: 0.3, n: 10, sum: 3, ...label },
  zTest: null,
  welch: null,
  sequential: { pValue: 0.4, ...label },
  probabilityToBeatControl: { value: 0.7, ...label },
  confidenceSequence: null,
  ips: null,
  pValue: { raw: 0.4, adjusted: 0.8, correction: 'holm', ...label },
  verdict: null,
};
const results = {
  key: 'e',
  type: 'ab',
  metric: 'proportion',
  unit: 'users',
  alpha: 0.05,
  policyVersion: 1,
  comparisons: 2,
  correction: 'holm',
  verdictRule: 'An arm wins when …',
  arms: [arm],
  srm: null,
  unattributed: {
    unexposedUsers: 0,
    unexposedRewards: 0,
    unknownExposureRewards: 0,
    rewardsWithoutExposureId: 0,
  },
  verdict: null,
  notes: [],
};

describe('experimentResultsSchema', () => {
  it('accepts results whose numbers say their unit', () => {
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses the old per-event shape and statistics without a unit', () => {
    const { users: _users, events: _events, metric: _metric, ...oldArm } = arm;
    expect(validate({ ...results, arms: [{ ...oldArm, exposures: 12, rewardCount: 5, rate: 0.4 }] })).toBe(
      false,
    );
    expect(validate({ ...results, arms: [{ ...arm, sequential: { pValue: 0.4 } }] })).toBe(false);
    expect(validate({ ...results, arms: [{ ...arm, metric: { ...arm.metric, unit: 'sessions' } }] })).toBe(
      false,
    );
    const { unattributed: _u, ...withoutUnattributed } = results;
    expect(validate(withoutUnattributed)).toBe(false);
  });
});
