// Cumulative (pseudo-)regret over 10,000 rounds on three Bernoulli arms, averaged over seeds:
// regret = Σ_t (best mean − mean of the arm served at t).
import { describe, expect, it } from 'vitest';
import {
  type ArmStats,
  chooseArm,
  createRng,
  epsilonGreedy,
  type Rng,
  recordReward,
  thompsonChoose,
  thompsonWeights,
} from '../src/index.js';

const MEANS = [0.05, 0.1, 0.15];
const ROUNDS = 10_000;
const BEST = Math.max(...MEANS);

type Policy = (arms: ArmStats[], rng: Rng, round: number) => number;

function regret(policy: Policy, seed: number): number {
  const rng = createRng(seed);
  let arms: ArmStats[] = MEANS.map((_, i) => ({ name: `arm${i}`, pulls: 0, rewardSum: 0 }));
  let total = 0;
  for (let t = 0; t < ROUNDS; t++) {
    const i = policy(arms, rng, t);
    total += BEST - MEANS[i]!;
    const reward = rng() < MEANS[i]! ? 1 : 0;
    arms = arms.map((a, j) => (j === i ? recordReward(a, reward) : a));
  }
  return total;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const seeds = Array.from({ length: 10 }, (_, i) => 1000 + i);

describe('bandit regret on 3 Bernoulli arms (0.05, 0.10, 0.15), 10,000 rounds', () => {
  it("Thompson sampling's cumulative regret is below epsilon-greedy (0.1) and uniform A/B", () => {
    const uniform = mean(seeds.map((s) => regret((arms, rng) => Math.floor(rng() * arms.length), s)));
    const greedy = mean(seeds.map((s) => regret((arms, rng) => chooseArm(epsilonGreedy(arms, 0.1), rng), s)));
    const thompson = mean(seeds.map((s) => regret((arms, rng) => thompsonChoose(arms, rng), s)));
    // The server's way: weights recomputed once per batch of 250 (delayed feedback), then sampled.
    let weights = thompsonWeights([{ name: 'x', pulls: 0, rewardSum: 0 }]);
    const batched = mean(
      seeds.map((s) =>
        regret((arms, rng, t) => {
          if (t % 250 === 0) weights = thompsonWeights(arms, { seed: s + t, draws: 2000, minWeight: 0.01 });
          return chooseArm(weights, rng);
        }, s),
      ),
    );
    console.log(
      `mean cumulative regret over ${seeds.length} seeds: Thompson ${thompson.toFixed(1)}, Thompson batched ` +
        `(weights per 250 rounds) ${batched.toFixed(1)}, epsilon-greedy(0.1) ${greedy.toFixed(1)}, uniform ${uniform.toFixed(1)}`,
    );
    expect(thompson).toBeLessThan(greedy);
    expect(thompson).toBeLessThan(uniform);
    expect(batched).toBeLessThan(greedy);
    expect(greedy).toBeLessThan(uniform);
  });
});
