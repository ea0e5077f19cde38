import { expect, it } from 'vitest';
import type { ExperimentStore } from '../../src/storage/store.js';

/** The behaviour every ExperimentStore must have; `fresh()` returns one on a migrated, empty database. */
export function experimentStoreContract(fresh: () => Promise<ExperimentStore>): void {
  it('versions experiments: same definition keeps the version, a change bumps it', async () => {
    const experiments = await fresh();
    const def = {
      key: 'e1',
      type: 'bandit' as const,
      seed: 7,
      policy: 'thompson' as const,
      arms: [
        { name: 'a', model: 'iris', version: '1.0.0', weight: 0.5 },
        { name: 'b', model: 'iris', version: '1.0.0-int8', weight: 0.5 },
      ],
    };
    const first = await experiments.put(def);
    expect(first.policyVersion).toBe(1);
    expect(first.policyWeights).toBeNull();
    expect((await experiments.put({ ...def })).policyVersion).toBe(1);
    const changed = await experiments.put({ ...def, seed: 8 });
    expect(changed.policyVersion).toBe(2);
    expect(changed.seed).toBe(8);
    expect((await experiments.list()).map((e) => e.key)).toEqual(['e1']);
    expect(await experiments.get('missing')).toBeUndefined();
  });

  it('saves a policy only on top of the version it was computed from', async () => {
    const experiments = await fresh();
    const def = {
      key: 'e2',
      type: 'bandit' as const,
      seed: 1,
      arms: [{ name: 'a', model: 'm', version: '1', weight: 1 }],
    };
    const record = await experiments.put(def);
    const saved = await experiments.savePolicy('e2', [1], record.policyVersion);
    expect(saved?.policyVersion).toBe(2);
    expect(saved?.policyWeights).toEqual([1]);
    expect(await experiments.savePolicy('e2', [1], record.policyVersion)).toBeUndefined();
    expect(await experiments.policyHistory('e2')).toEqual([
      { policyVersion: 2, weights: [1], createdAt: expect.any(Number) },
    ]);
  });
}
