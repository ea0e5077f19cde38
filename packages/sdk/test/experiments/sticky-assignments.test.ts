import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { chooseArm } from '../../src/experiments/assign-arm.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { indexedDbKeyValueStore } from '../../src/experiments/key-value-store.js';
import { StickyAssignments } from '../../src/experiments/sticky-assignments.js';

let dbCount = 0;
const freshStore = () => indexedDbKeyValueStore(`sticky-test-${++dbCount}`);

function bandit(weights: number[], sticky: boolean): ExperimentConfig {
  return {
    key: 'reco-bandit',
    type: 'bandit',
    seed: 'reco',
    policyVersion: 1,
    sticky,
    arms: weights.map((weight, i) => ({ name: `arm-${i}`, model: 'reco', version: `${i + 1}.0.0`, weight })),
  };
}

const USERS = Array.from({ length: 300 }, (_, i) => `sticky-user-${i}`);

describe('sticky assignment', () => {
  it('keeps every user on their first arm, with its original propensity, while the bandit re-weights', async () => {
    const store = freshStore();
    const first = new Map<string, { arm: string; probability: number }>();
    const sticky = new StickyAssignments(store);
    for (const user of USERS) {
      const { arm, probability } = await sticky.choose(user, bandit([1, 1, 1], true));
      first.set(user, { arm, probability });
    }

    // A new page load (new instance, same IndexedDB) under a very different policy.
    const reloaded = new StickyAssignments(store);
    const reweighted = { weights: [0.8, 0.1, 0.1], policyVersion: 2 };
    let wouldMove = 0;
    for (const user of USERS) {
      const a = await reloaded.choose(user, bandit([1, 1, 1], true), { policy: reweighted });
      expect({ arm: a.arm, probability: a.probability }).toEqual(first.get(user));
      expect(a.policyVersion).toBe('2');
      if (chooseArm(user, bandit([1, 1, 1], true), { policy: reweighted }).arm !== a.arm) wouldMove++;
    }
    expect(wouldMove).toBeGreaterThan(0); // without stickiness some users would have moved
  });

  it('re-assigns a user whose arm was removed or turned down to weight 0', async () => {
    const sticky = new StickyAssignments(freshStore());
    const user = USERS.find((u) => chooseArm(u, bandit([1, 1], true)).arm === 'arm-1')!;
    expect((await sticky.choose(user, bandit([1, 1], true))).arm).toBe('arm-1');
    const after = await sticky.choose(user, bandit([1, 0], true));
    expect(after).toMatchObject({ arm: 'arm-0', sticky: false });
  });

  it('follows the current weights when the experiment is not sticky', async () => {
    const sticky = new StickyAssignments(freshStore());
    const user = USERS.find((u) => chooseArm(u, bandit([1, 1], false)).arm === 'arm-1')!;
    await sticky.choose(user, bandit([1, 1], false));
    expect((await sticky.choose(user, bandit([1, 0], false))).arm).toBe('arm-0');
  });
});
