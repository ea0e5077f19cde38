import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import type { ExperimentConfig } from '../../src/experiments/experiment-types.js';
import { indexedDbKeyValueStore } from '../../src/experiments/key-value-store.js';
import { LocalBandit } from '../../src/experiments/local-bandit.js';
import { seededRandom } from '../../src/experiments/seeded-random.js';

const experiment: ExperimentConfig = {
  key: 'offline-reco',
  type: 'bandit',
  seed: 1,
  policy: 'epsilon-greedy',
  policyVersion: 1,
  arms: [
    { name: 'small', model: 'reco', version: '1.0.0', weight: 1 },
    { name: 'large', model: 'reco', version: '2.0.0', weight: 1 },
  ],
};

describe('LocalBandit (state in IndexedDB)', () => {
  it('keeps what it learned across page loads', async () => {
    const store = indexedDbKeyValueStore('local-bandit-test');
    const bandit = await LocalBandit.open(experiment, { store, random: seededRandom(5) });
    await bandit.reward('small', 0);
    await bandit.reward('large', 1);
    await bandit.reward('large', 1);

    const reopened = await LocalBandit.open(experiment, { store, epsilon: 0, random: seededRandom(5) });
    expect(reopened.stats()).toEqual([
      { pulls: 1, rewardSum: 0 },
      { pulls: 2, rewardSum: 2 },
    ]);
    expect(reopened.choose()).toEqual({ arm: 'large', index: 1, probability: 1 });
  });

  it('merges rewards from two instances (tabs) instead of overwriting them', async () => {
    const store = indexedDbKeyValueStore('local-bandit-tabs');
    const tabA = await LocalBandit.open(experiment, { store });
    const tabB = await LocalBandit.open(experiment, { store });
    await Promise.all([tabA.reward('small', 1), tabB.reward('small', 1), tabB.reward('large', 0)]);
    const reopened = await LocalBandit.open(experiment, { store });
    expect(reopened.stats()).toEqual([
      { pulls: 2, rewardSum: 2 },
      { pulls: 1, rewardSum: 0 },
    ]);
  });

  it('uses Thompson sampling when asked and refuses unknown arms', async () => {
    const store = indexedDbKeyValueStore('local-bandit-thompson');
    const bandit = await LocalBandit.open(experiment, { store, policy: 'thompson', random: seededRandom(1) });
    const choice = bandit.choose();
    expect(['small', 'large']).toContain(choice.arm);
    expect(choice.probability).toBeGreaterThan(0);
    await expect(bandit.reward('medium', 1)).rejects.toThrow(EdgewiseError);
    await expect(bandit.reward('small', 2)).rejects.toThrow(/\[0, 1\]/);
  });
});
