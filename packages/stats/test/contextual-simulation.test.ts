// A seeded simulation of the device-aware experiment: three device classes whose best model variant
// differs, a composite reward (conversion − λ·latency_ms) and batched policy updates as the server
// runs them. The contextual policy (hierarchical Thompson per class) must end with less regret than a
// non-contextual Thompson bandit and than the best single fixed variant, and off-policy estimates of
// two fixed policies from its logs must hold the truth in their intervals.
import { describe, expect, it } from 'vitest';
import {
  type ContextualDecision,
  type ContextualPolicy,
  contextualOffPolicy,
} from '../src/bandits/contextual-off-policy.js';
import { hierarchicalThompsonWeights } from '../src/bandits/hierarchical-thompson.js';
import { thompsonWeights } from '../src/bandits/thompson.js';
import { createRng, sampleNormal } from '../src/random.js';
import type { ArmStats, ArmWeight, Rng } from '../src/types.js';

const ARMS = ['fp32', 'fp16', 'int8'] as const;
type Arm = (typeof ARMS)[number];
const LAMBDA = 0.01;
const CONVERSION = 0.3;
/** Each class's share of users and each variant's mean latency (ms) there. */
const CLASSES = [
  // fp16 runs natively on a shader-f16 GPU: fastest there.
  { name: 'webgpu-f16', share: 0.3, latency: { fp32: 20, fp16: 8, int8: 16 } },
  // Many cores: fp32 is fast enough and int8's dequantization costs more than it saves.
  { name: 'wasm-8-cores', share: 0.4, latency: { fp32: 10, fp16: 28, int8: 17 } },
  // Few cores: int8's smaller matmuls win; fp16 is emulated and slowest.
  { name: 'wasm-2-cores', share: 0.3, latency: { fp32: 26, fp16: 40, int8: 14 } },
] as const;
type ClassName = (typeof CLASSES)[number]['name'];
const trueMean = (c: (typeof CLASSES)[number], arm: Arm) => CONVERSION - LAMBDA * c.latency[arm];
const best = (c: (typeof CLASSES)[number]) => Math.max(...ARMS.map((a) => trueMean(c, a)));

function drawClass(rng: Rng): (typeof CLASSES)[number] {
  let u = rng();
  for (const c of CLASSES) {
    if (u < c.share) return c;
    u -= c.share;
  }
  return CLASSES[CLASSES.length - 1]!;
}

function drawArm(rng: Rng, weights: ArmWeight[]): { arm: Arm; propensity: number } {
  let u = rng();
  for (const w of weights) {
    if (u < w.weight) return { arm: w.name as Arm, propensity: w.weight };
    u -= w.weight;
  }
  const last = weights[weights.length - 1]!;
  return { arm: last.name as Arm, propensity: last.weight };
}

/** The product metric: a conversion, less λ times the latency the user sat through. */
function reward(rng: Rng, c: (typeof CLASSES)[number], arm: Arm): number {
  const converted = rng() < CONVERSION ? 1 : 0;
  const latency = c.latency[arm] + 8 * sampleNormal(rng);
  return converted - LAMBDA * latency;
}

type Policy = (stats: Record<ClassName, ArmStats[]>, round: number) => Record<ClassName, ArmWeight[]>;

const emptyStats = (): ArmStats[] =>
  ARMS.map((name) => ({ name, pulls: 0, rewardSum: 0, rewardSumSquares: 0 }));

/** Runs `decisions` decisions, the policy recomputing its weights every `batch` of them. */
function simulate(policy: Policy, seed: string, decisions = 20_000, batch = 500) {
  const rng = createRng(seed);
  const stats = Object.fromEntries(CLASSES.map((c) => [c.name, emptyStats()])) as Record<
    ClassName,
    ArmStats[]
  >;
  const logs: ContextualDecision[] = [];
  let regret = 0;
  let weights = policy(stats, 0);
  for (let i = 0; i < decisions; i++) {
    if (i > 0 && i % batch === 0) weights = policy(stats, i / batch);
    const c = drawClass(rng);
    const { arm, propensity } = drawArm(rng, weights[c.name]);
    const r = reward(rng, c, arm);
    const cell = stats[c.name].find((a) => a.name === arm)!;
    cell.pulls++;
    cell.rewardSum += r;
    cell.rewardSumSquares = (cell.rewardSumSquares ?? 0) + r * r;
    regret += best(c) - trueMean(c, arm);
    logs.push({ context: c.name, arm, reward: r, propensity });
  }
  return { regret, logs };
}

const MIN_WEIGHT = 0.02;
const contextual: Policy = (stats, round) =>
  hierarchicalThompsonWeights(stats, {
    seed: `policy-${round}`,
    minWeight: MIN_WEIGHT,
    draws: 2_000,
  }) as Record<ClassName, ArmWeight[]>;
const pooled: Policy = (stats, round) => {
  const merged = ARMS.map((name, i) => {
    const cells = CLASSES.map((c) => stats[c.name][i]!);
    return {
      name,
      pulls: cells.reduce((s, a) => s + a.pulls, 0),
      rewardSum: cells.reduce((s, a) => s + a.rewardSum, 0),
      rewardSumSquares: cells.reduce((s, a) => s + (a.rewardSumSquares ?? 0), 0),
    };
  });
  const weights = thompsonWeights(merged, {
    model: 'gaussian',
    seed: `pooled-${round}`,
    minWeight: MIN_WEIGHT,
    draws: 2_000,
  });
  return Object.fromEntries(CLASSES.map((c) => [c.name, weights])) as Record<ClassName, ArmWeight[]>;
};
const fixedValue = (arm: Arm) => CLASSES.reduce((s, c) => s + c.share * trueMean(c, arm), 0);
const bestFixed = ARMS.reduce((a, b) => (fixedValue(b) > fixedValue(a) ? b : a));
const fixed: Policy = () =>
  Object.fromEntries(
    CLASSES.map((c) => [c.name, ARMS.map((name) => ({ name, weight: name === bestFixed ? 1 : 0 }))]),
  ) as Record<ClassName, ArmWeight[]>;

describe('device-aware variant choice, simulated', () => {
  const ours = simulate(contextual, 'seed-1');

  it('ends 20,000 decisions with less regret than a non-contextual Thompson bandit and the best fixed variant', () => {
    const theirs = simulate(pooled, 'seed-1');
    const always = simulate(fixed, 'seed-1');
    console.log(
      `cumulative regret after 20,000 decisions: contextual ${ours.regret.toFixed(0)}, non-contextual Thompson ${theirs.regret.toFixed(0)}, best fixed variant (${bestFixed} everywhere) ${always.regret.toFixed(0)}`,
    );
    expect(bestFixed).toBe('int8');
    expect(ours.regret).toBeLessThan(theirs.regret);
    expect(ours.regret).toBeLessThan(always.regret);
    // Not only less: the fixed variant's regret grows linearly, the contextual policy's does not.
    expect(ours.regret).toBeLessThan(always.regret / 3);
  });

  it('learns each class its own best variant, a new class starting from what the others share', () => {
    const stats = Object.fromEntries(CLASSES.map((c) => [c.name, emptyStats()])) as Record<
      ClassName,
      ArmStats[]
    >;
    for (const d of ours.logs) {
      const cell = stats[d.context as ClassName].find((a) => a.name === d.arm)!;
      cell.pulls++;
      cell.rewardSum += d.reward;
      cell.rewardSumSquares = (cell.rewardSumSquares ?? 0) + d.reward * d.reward;
    }
    const weights = hierarchicalThompsonWeights(stats, { seed: 'final', unseenClass: 'unknown' });
    const top = (name: string) => weights[name]!.reduce((a, b) => (b.weight > a.weight ? b : a)).name;
    expect(top('webgpu-f16')).toBe('fp16');
    expect(top('wasm-8-cores')).toBe('fp32');
    expect(top('wasm-2-cores')).toBe('int8');
    // With no data of its own a class gets no certainty: no arm is near-sure to be best there.
    expect(Math.max(...weights.unknown!.map((w) => w.weight))).toBeLessThan(0.9);
  });

  it('estimates two fixed policies from the logs within their intervals of the truth (IPS and doubly robust)', () => {
    const candidates: Record<string, { policy: ContextualPolicy; truth: number }> = {
      'int8 everywhere': { policy: () => ({ int8: 1 }), truth: fixedValue('int8') },
      'fp16 on WebGPU, int8 else': {
        policy: (context: string): Record<string, number> =>
          context.startsWith('webgpu') ? { fp16: 1 } : { int8: 1 },
        truth:
          0.3 * trueMean(CLASSES[0], 'fp16') +
          0.4 * trueMean(CLASSES[1], 'int8') +
          0.3 * trueMean(CLASSES[2], 'int8'),
      },
    };
    for (const [name, { policy, truth }] of Object.entries(candidates)) {
      const ope = contextualOffPolicy(ours.logs, policy);
      console.log(
        `OPE ${name}: truth ${truth.toFixed(4)}, IPS ${ope.ips.value.toFixed(4)} [${ope.ips.interval.map((v) => v.toFixed(4)).join(', ')}], DR ${ope.doublyRobust.value.toFixed(4)} [${ope.doublyRobust.interval.map((v) => v.toFixed(4)).join(', ')}]`,
      );
      for (const estimate of [ope.ips, ope.doublyRobust]) {
        expect(truth).toBeGreaterThanOrEqual(estimate.interval[0]);
        expect(truth).toBeLessThanOrEqual(estimate.interval[1]);
      }
      expect(ope.doublyRobust.standardError).toBeLessThanOrEqual(ope.ips.standardError);
    }
  });

  it("covers the truth at about the intervals' level over many logs (95% intervals, 60 seeds)", () => {
    let covered = { ips: 0, dr: 0 };
    const runs = 60;
    const policy: ContextualPolicy = (context): Record<string, number> =>
      context.startsWith('webgpu') ? { fp16: 1 } : { int8: 1 };
    const truth =
      0.3 * trueMean(CLASSES[0], 'fp16') +
      0.4 * trueMean(CLASSES[1], 'int8') +
      0.3 * trueMean(CLASSES[2], 'int8');
    const uniform: Policy = () =>
      Object.fromEntries(
        CLASSES.map((c) => [c.name, ARMS.map((name) => ({ name, weight: 1 / 3 }))]),
      ) as Record<ClassName, ArmWeight[]>;
    for (let s = 0; s < runs; s++) {
      const { logs } = simulate(uniform, `coverage-${s}`, 3_000);
      const ope = contextualOffPolicy(logs, policy);
      const inside = (v: { interval: [number, number] }) => truth >= v.interval[0] && truth <= v.interval[1];
      covered = {
        ips: covered.ips + (inside(ope.ips) ? 1 : 0),
        dr: covered.dr + (inside(ope.doublyRobust) ? 1 : 0),
      };
    }
    // Binomial(60, 0.95) falls below 52 with probability under 1%.
    expect(covered.ips).toBeGreaterThanOrEqual(52);
    expect(covered.dr).toBeGreaterThanOrEqual(52);
  });

  it('refuses classes whose arms differ, and target probabilities that do not sum to 1', () => {
    expect(() => hierarchicalThompsonWeights({ a: emptyStats(), b: emptyStats().slice(0, 2) })).toThrow(
      /class 'b' must list the same arms/,
    );
    expect(() => contextualOffPolicy(ours.logs.slice(0, 10), () => ({ int8: 0.5 }))).toThrow(/sum to 1/);
  });
});
