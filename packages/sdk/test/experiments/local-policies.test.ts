import { describe, expect, it } from 'vitest';
import {
  type ArmStats,
  addReward,
  epsilonGreedyChoice,
  thompsonChoice,
  ucb1Choice,
} from '../../src/experiments/local-policies.js';
import { seededRandom } from '../../src/experiments/seeded-random.js';

const arms = (...pairs: [number, number][]): ArmStats[] =>
  pairs.map(([pulls, rewardSum]) => ({ pulls, rewardSum }));

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('local epsilon-greedy', () => {
  it('reports the exact propensity of each arm', () => {
    const state = arms([10, 2], [10, 7], [10, 5]);
    const random = seededRandom(1);
    const seen = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const { index, probability } = epsilonGreedyChoice(state, 0.3, random);
      seen.set(index, probability);
    }
    expect(seen.get(1)).toBeCloseTo(0.7 + 0.1, 12);
    expect(seen.get(0)).toBeCloseTo(0.1, 12);
    expect(seen.get(2)).toBeCloseTo(0.1, 12);
  });

  it('says what is wrong with a bad epsilon', () => {
    expect(() => epsilonGreedyChoice(arms([1, 1]), 1.5, seededRandom(1))).toThrow(
      /epsilon must be between 0 and 1/,
    );
  });

  it('tries unplayed arms first and splits ties evenly', () => {
    expect(epsilonGreedyChoice(arms([5, 5], [0, 0]), 0, seededRandom(3))).toEqual({
      index: 1,
      probability: 1,
    });
    const tie = epsilonGreedyChoice(arms([4, 2], [2, 1]), 0, seededRandom(3));
    expect(tie.probability).toBe(0.5);
  });

  it('converges on the best arm of a simulated Bernoulli bandit', () => {
    const random = seededRandom(2024);
    const truth = [0.2, 0.5, 0.35];
    let state = arms([0, 0], [0, 0], [0, 0]);
    for (let t = 0; t < 3000; t++) {
      const { index } = epsilonGreedyChoice(state, 0.1, random);
      const reward = random() < truth[index]! ? 1 : 0;
      state = state.map((s, i) => (i === index ? addReward(s, reward, 'epsilon-greedy') : s));
    }
    expect(state[1]!.pulls).toBeGreaterThan(state[0]!.pulls + state[2]!.pulls);
  });
});

describe('local Thompson sampling', () => {
  it('is deterministic under a seeded random source', () => {
    const state = arms([20, 5], [20, 12], [3, 1]);
    expect(thompsonChoice(state, seededRandom(9))).toEqual(thompsonChoice(state, seededRandom(9)));
  });

  it('estimates its propensities close to the true choice frequencies', () => {
    const state = arms([30, 12], [30, 15], [30, 9]);
    const random = seededRandom(11);
    const counts = [0, 0, 0];
    const reportedSum = [0, 0, 0];
    for (let i = 0; i < 2000; i++) {
      const { index, probability } = thompsonChoice(state, random, 500);
      counts[index]!++;
      reportedSum[index]! += probability;
    }
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(reportedSum[i]! / counts[i]! - counts[i]! / 2000)).toBeLessThan(0.03);
    }
  });

  it('shifts traffic to the best arm of a simulated Bernoulli bandit', () => {
    const random = seededRandom(77);
    const truth = [0.1, 0.3, 0.6];
    let state = arms([0, 0], [0, 0], [0, 0]);
    for (let t = 0; t < 1500; t++) {
      const { index } = thompsonChoice(state, random, 20);
      const reward = random() < truth[index]! ? 1 : 0;
      state = state.map((s, i) => (i === index ? addReward(s, reward, 'thompson') : s));
    }
    expect(state[2]!.pulls / 1500).toBeGreaterThan(0.8);
  });

  it('refuses rewards outside [0, 1], which a Beta posterior cannot take', () => {
    expect(() => addReward({ pulls: 0, rewardSum: 0 }, 3, 'thompson')).toThrow(/\[0, 1\]/);
    expect(addReward({ pulls: 0, rewardSum: 0 }, 3, 'epsilon-greedy')).toEqual({ pulls: 1, rewardSum: 3 });
  });
});

describe('local UCB1', () => {
  it('plays every arm once, then the highest upper bound', () => {
    expect(ucb1Choice(arms([1, 1], [0, 0]))).toEqual({ index: 1, probability: 1 });
    expect(ucb1Choice(arms([100, 60], [100, 40])).index).toBe(0);
    expect(ucb1Choice(arms([100, 60], [2, 1])).index).toBe(1);
  });
});
