import { describe, expect, it } from 'vitest';
import {
  type ArmStats,
  chooseArm,
  createRng,
  epsilonGreedy,
  ipsEstimate,
  type LoggedDecision,
  probabilityToBeatControl,
  recordReward,
  thompsonWeights,
  ucb1,
  updateRunningAverage,
} from '../src/index.js';

const arms: ArmStats[] = [
  { name: 'fp32', pulls: 1200, rewardSum: 130 },
  { name: 'int8', pulls: 1180, rewardSum: 151 },
  { name: 'int4', pulls: 300, rewardSum: 25 },
];
const sum = (ws: { weight: number }[]) => ws.reduce((s, w) => s + w.weight, 0);

describe('thompsonWeights', () => {
  it('returns one weight per arm, by name and in input order, summing to 1', () => {
    const w = thompsonWeights(arms, { seed: 1 });
    expect(w.map((x) => x.name)).toEqual(['fp32', 'int8', 'int4']);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    expect(thompsonWeights(arms, { seed: 'exp:v3' })).toEqual(thompsonWeights(arms, { seed: 'exp:v3' }));
    expect(thompsonWeights(arms, { seed: 'exp:v3' })).not.toEqual(thompsonWeights(arms, { seed: 'exp:v4' }));
  });

  it('estimates the probability each arm is best (two arms: equals P(B beats A))', () => {
    const two = arms.slice(0, 2);
    const exact = probabilityToBeatControl({ successesA: 130, totalA: 1200, successesB: 151, totalB: 1180 });
    const w = thompsonWeights(two, { seed: 3, draws: 40_000 });
    expect(Math.abs(w[1]!.weight - exact)).toBeLessThan(0.01);
  });

  it('keeps every arm at or above minWeight', () => {
    const lopsided: ArmStats[] = [
      { name: 'a', pulls: 50_000, rewardSum: 5000 },
      { name: 'b', pulls: 50_000, rewardSum: 7000 },
      { name: 'c', pulls: 50_000, rewardSum: 4000 },
    ];
    const w = thompsonWeights(lopsided, { seed: 1, minWeight: 0.05 });
    for (const x of w) expect(x.weight).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect(w[1]!.weight).toBeCloseTo(0.9, 6);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it('gives arms without data equal weight, for both reward models', () => {
    const empty: ArmStats[] = [
      { name: 'a', pulls: 0, rewardSum: 0 },
      { name: 'b', pulls: 0, rewardSum: 0 },
    ];
    for (const model of ['bernoulli', 'gaussian'] as const) {
      const w = thompsonWeights(empty, { model, seed: 2, draws: 20_000 });
      expect(Math.abs(w[0]!.weight - 0.5)).toBeLessThan(0.02);
    }
  });

  it('Gaussian model favours the arm with the higher mean reward, whatever the reward scale', () => {
    for (const scale of [1, 1000]) {
      const real: ArmStats[] = [
        {
          name: 'slow',
          pulls: 400,
          rewardSum: 400 * 2.0 * scale,
          rewardSumSquares: 400 * (4 + 1) * scale * scale,
        },
        {
          name: 'fast',
          pulls: 400,
          rewardSum: 400 * 2.3 * scale,
          rewardSumSquares: 400 * (2.3 ** 2 + 1) * scale * scale,
        },
      ];
      const w = thompsonWeights(real, { model: 'gaussian', seed: 5 });
      // Difference 0.3 sd with 400 per arm: z ≈ 4.2, so "fast" is best with probability ≈ 1.
      expect(w[1]!.weight).toBeGreaterThan(0.99);
    }
  });
});

describe('ucb1 and epsilonGreedy', () => {
  it('ucb1 tries every arm once, then picks the highest upper confidence bound', () => {
    expect(
      ucb1([
        { name: 'a', pulls: 3, rewardSum: 3 },
        { name: 'b', pulls: 0, rewardSum: 0 },
      ]),
    ).toEqual([
      { name: 'a', weight: 0 },
      { name: 'b', weight: 1 },
    ]);
    // a: 0.5 + √(2 ln 12 / 10) = 1.205; b: 0.5 + √(2 ln 12 / 2) = 2.076
    expect(
      ucb1([
        { name: 'a', pulls: 10, rewardSum: 5 },
        { name: 'b', pulls: 2, rewardSum: 1 },
      ])[1]!.weight,
    ).toBe(1);
    const floored = ucb1(arms, { minWeight: 0.02 });
    for (const x of floored) expect(x.weight).toBeGreaterThanOrEqual(0.02 - 1e-12);
    expect(sum(floored)).toBeCloseTo(1, 12);
  });

  it('epsilonGreedy puts 1 − ε + ε/K on the best running average and ε/K elsewhere; ties share', () => {
    const w = epsilonGreedy(arms, 0.1);
    expect(w.map((x) => x.weight)).toEqual(
      [0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3].map((x) => expect.closeTo(x, 12)),
    );
    const tied = epsilonGreedy(
      [
        { name: 'a', pulls: 0, rewardSum: 0 },
        { name: 'b', pulls: 0, rewardSum: 0 },
      ],
      0.2,
    );
    expect(tied.map((x) => x.weight)).toEqual([0.5, 0.5]);
  });

  it('the running-average update equals the aggregate mean', () => {
    const rewards = [1, 0, 0, 1, 1, 0.5, 2];
    let q = 0;
    let arm: ArmStats = { name: 'x', pulls: 0, rewardSum: 0 };
    rewards.forEach((r, i) => {
      q = updateRunningAverage(q, i + 1, r);
      arm = recordReward(arm, r);
    });
    expect(q).toBeCloseTo(arm.rewardSum / arm.pulls, 14);
    expect(arm.rewardSumSquares).toBe(rewards.reduce((s, r) => s + r * r, 0));
  });

  it('chooseArm samples in proportion to the weights', () => {
    const rng = createRng(9);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[chooseArm([0.2, 0.5, 0.3], rng)]! += 1;
    expect(counts[1]! / 30_000).toBeCloseTo(0.5, 1);
  });
});

describe('ipsEstimate', () => {
  it('recovers a target policy value from logs of a different policy (unbiased, within 3 SE)', () => {
    const rng = createRng(11);
    const means: Record<string, number> = { a: 0.1, b: 0.3 };
    const logging = { a: 0.8, b: 0.2 };
    const logs: LoggedDecision[] = [];
    for (let i = 0; i < 20_000; i++) {
      const arm = rng() < logging.a ? 'a' : 'b';
      logs.push({ arm, reward: rng() < means[arm]! ? 1 : 0, propensity: logging[arm as 'a' | 'b'] });
    }
    const target = { a: 0.1, b: 0.9 }; // true value 0.1·0.1 + 0.9·0.3 = 0.28
    const r = ipsEstimate(logs, target);
    expect(Math.abs(r.value - 0.28)).toBeLessThan(3 * r.standardError);
    expect(Math.abs(r.selfNormalized - 0.28)).toBeLessThan(0.02);
    expect(r.effectiveSampleSize).toBeLessThan(20_000);
    expect(ipsEstimate(logs, (e) => (e.arm === 'a' ? 0.1 : 0.9)).value).toBe(r.value);
  });
});

describe('createRng', () => {
  it('is deterministic per seed, uniform on [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 100_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 2);
    expect(createRng('x')()).not.toBe(createRng('y')());
  });
});
