import { describe, expect, it } from 'vitest';
import { rowMapper } from '../src/storage/row-mapping.js';

// The contract suites cover both backends end to end; these pin the two shapes a row can arrive in.
describe('row mapping', () => {
  const definition = { key: 'e', type: 'ab', seed: 1, arms: [] };

  it('parses JSON text (SQLite) and passes parsed JSONB through (Postgres) to the same record', () => {
    const text = rowMapper('text').experiment({
      definition: JSON.stringify(definition),
      policy_version: 2,
      policy_weights: '[0.25,0.75]',
      updated_at: 5,
    });
    const parsed = rowMapper('parsed').experiment({
      definition,
      policy_version: 2,
      policy_weights: [0.25, 0.75],
      updated_at: '5',
    });
    expect(text).toEqual({
      ...definition,
      policyVersion: 2,
      policyWeights: [0.25, 0.75],
      updatedAt: 5,
      stops: [],
    });
    expect(parsed).toEqual(text);
  });

  it('turns BIGINT strings into numbers and SQL NULL into null', () => {
    expect(
      rowMapper('parsed').task({
        id: 't',
        status: 'pending',
        request: { a: 1 },
        result: null,
        error: null,
        created_at: '1764072000000',
        updated_at: '1764072000001',
      }),
    ).toEqual({
      id: 't',
      status: 'pending',
      request: { a: 1 },
      result: null,
      error: null,
      owner: null,
      createdAt: 1764072000000,
      updatedAt: 1764072000001,
    });
    expect(
      rowMapper('text').aggregate({
        experiment: 'e',
        arm: 'a',
        exposures: '3',
        predictions: 0,
        reward_count: '1',
        reward_sum: 1,
        reward_sum_sq: 1,
      }),
    ).toMatchObject({ exposures: 3, rewardCount: 1 });
  });

  it('takes the status column over the status inside the stored record', () => {
    const record = { name: 'm', version: '1', status: 'candidate' };
    expect(rowMapper('text').modelVersion({ record: JSON.stringify(record), status: 'approved' })).toEqual({
      ...record,
      status: 'approved',
    });
  });
});
