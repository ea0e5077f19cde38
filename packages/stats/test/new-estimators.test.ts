import { describe, expect, it } from 'vitest';
import {
  chooseArm,
  createRng,
  type IpsSums,
  ipsEstimate,
  ipsFromSums,
  isStatsError,
  type LoggedDecision,
  meanConfidenceSequence,
  thompsonWeights,
  welchTTest,
} from '../src/index.js';

const badArgument = (f: () => unknown, field: string) => {
  try {
    f();
  } catch (e) {
    expect(isStatsError(e) && e.code).toBe('BAD_ARGUMENT');
    expect((e as Error).message).toContain(field);
    return;
  }
  throw new Error(`expected BAD_ARGUMENT naming ${field}`);
};

describe('ipsFromSums', () => {
  /** Seeded logs from a Thompson policy re-weighted every 50 decisions, propensities floored at 0.05. */
  function logs(seed: string, decisions: number): LoggedDecision[] {
    const rng = createRng(seed);
    const rates = { a: 0.1, b: 0.14, c: 0.12 } as Record<string, number>;
    const arms = Object.keys(rates).map((name) => ({ name, pulls: 0, rewardSum: 0 }));
    const out: LoggedDecision[] = [];
    let weights = thompsonWeights(arms, { seed: `${seed}:0`, minWeight: 0.05 });
    for (let i = 0; i < decisions; i++) {
      if (i % 50 === 0)
        weights = thompsonWeights(arms, { seed: `${seed}:${i}`, minWeight: 0.05, draws: 500 });
      const k = chooseArm(weights, rng);
      const arm = arms[k]!;
      // Real-valued rewards, so that Σ (r/p)² differs from Σ r/p².
      const reward = rng() < rates[arm.name]! ? 1 + rng() : 0;
      arm.pulls++;
      arm.rewardSum += reward;
      out.push({ arm: arm.name, reward, propensity: weights[k]!.weight });
    }
    return out;
  }

  /** What a server would accumulate for arm `a`, one decision at a time. */
  function runningSums(list: LoggedDecision[], a: string): Required<IpsSums> {
    const s = {
      decisions: 0,
      sumWeights: 0,
      sumWeightedRewards: 0,
      sumWeightedRewardSquares: 0,
      sumSquaredWeights: 0,
    };
    for (const e of list) {
      s.decisions++;
      if (e.arm !== a) continue;
      const w = 1 / e.propensity;
      s.sumWeights += w;
      s.sumSquaredWeights += w * w;
      s.sumWeightedRewards += w * e.reward;
      s.sumWeightedRewardSquares += (w * e.reward) ** 2;
    }
    return s;
  }

  it('equals ipsEstimate(logs, { a: 1, others: 0 }) to 1e-12 on seeded logged data, for every arm', () => {
    let maxDev = 0;
    for (const seed of ['ips-1', 'ips-2', 'ips-3']) {
      const list = logs(seed, 3000);
      for (const a of ['a', 'b', 'c']) {
        const target = Object.fromEntries(['a', 'b', 'c'].map((x) => [x, x === a ? 1 : 0]));
        const fromLogs = ipsEstimate(list, target);
        const fromSums = ipsFromSums(runningSums(list, a));
        for (const k of ['value', 'standardError', 'selfNormalized', 'effectiveSampleSize', 'n'] as const) {
          const dev = Math.abs(fromSums[k] - fromLogs[k]) / Math.abs(fromLogs[k]);
          maxDev = Math.max(maxDev, dev);
          expect(dev, `${seed} ${a} ${k}`).toBeLessThanOrEqual(1e-12);
        }
      }
    }
    console.log(`ipsFromSums vs ipsEstimate: max relative deviation ${maxDev.toExponential(2)}`);
  });

  it('without sumSquaredWeights reports effectiveSampleSize as NaN, the rest unchanged', () => {
    const { sumSquaredWeights: _, ...four } = runningSums(logs('ips-4', 500), 'b');
    const r = ipsFromSums(four);
    expect(r.effectiveSampleSize).toBeNaN();
    expect(r.value).toBe(four.sumWeightedRewards / four.decisions);
  });

  it('refuses inconsistent sums, naming the field', () => {
    const ok = { decisions: 10, sumWeights: 4, sumWeightedRewards: 2, sumWeightedRewardSquares: 4 };
    badArgument(() => ipsFromSums({ ...ok, decisions: 0 }), 'decisions');
    badArgument(() => ipsFromSums({ ...ok, decisions: 2.5 }), 'decisions');
    badArgument(() => ipsFromSums({ ...ok, sumWeights: -1 }), 'sumWeights');
    badArgument(() => ipsFromSums({ ...ok, sumWeightedRewards: Number.NaN }), 'sumWeightedRewards');
    badArgument(() => ipsFromSums({ ...ok, sumWeightedRewardSquares: 0.1 }), 'sumWeightedRewardSquares');
    badArgument(() => ipsFromSums({ ...ok, sumSquaredWeights: 1 }), 'sumSquaredWeights');
  });
});

describe('welchTTest', () => {
  const control = { n: 50, sum: 500, sumSquares: 5441 };
  const treatment = { n: 80, sum: 896, sumSquares: 11635.3 };

  it('is antisymmetric in the groups and its CI excludes 0 exactly when p < alpha', () => {
    const r = welchTTest({ control, treatment });
    const s = welchTTest({ control: treatment, treatment: control });
    expect(s.t).toBeCloseTo(-r.t, 12);
    expect(s.pValue).toBeCloseTo(r.pValue, 12);
    expect(s.ci.lower).toBeCloseTo(-r.ci.upper, 12);
    for (const alternative of ['two-sided', 'greater', 'less'] as const) {
      const x = welchTTest({ control, treatment }, { alternative, alpha: 0.1 });
      expect(x.significant).toBe(x.ci.lower > 0 || x.ci.upper < 0);
    }
  });

  it('one zero-variance group is fine; both, or fewer than 2 users, throw BAD_ARGUMENT', () => {
    expect(welchTTest({ control: { n: 10, sum: 30, sumSquares: 90 }, treatment }).df).toBeCloseTo(79, 9);
    const flat = { n: 10, sum: 30, sumSquares: 90 };
    badArgument(
      () => welchTTest({ control: flat, treatment: { n: 5, sum: 10, sumSquares: 20 } }),
      'zero variance',
    );
    badArgument(() => welchTTest({ control: { n: 1, sum: 3, sumSquares: 9 }, treatment }), 'control.n');
    badArgument(() => welchTTest({ control, treatment: { n: 4.5, sum: 3, sumSquares: 9 } }), 'treatment.n');
    badArgument(
      () => welchTTest({ control, treatment: { n: 4, sum: 10, sumSquares: 1 } }),
      'treatment.sumSquares',
    );
    badArgument(() => welchTTest({ control, treatment: { n: 4, sum: 10 } as never }), 'treatment.sumSquares');
    badArgument(() => welchTTest({ control, treatment }, { alpha: 1 }), 'alpha');
    badArgument(() => welchTTest({ control, treatment }, { alternative: 'bigger' as never }), 'alternative');
  });
});

describe('meanConfidenceSequence', () => {
  it('narrows like 1/√n, is narrowest near plannedN, and starts as the whole range', () => {
    const at = (n: number, plannedN: number) =>
      meanConfidenceSequence({ n, sum: 0.3 * n }, { bounds: [0, 1], plannedN }).halfWidth;
    expect(at(4000, 1000) / at(1000, 1000)).toBeGreaterThan(0.5);
    expect(at(4000, 1000) / at(1000, 1000)).toBeLessThan(0.6);
    expect(at(1000, 1000)).toBeLessThan(at(1000, 100));
    expect(at(1000, 1000)).toBeLessThan(at(1000, 10_000));
    expect(meanConfidenceSequence({ n: 0, sum: 0 }, { bounds: [0, 1] })).toMatchObject({
      lower: 0,
      upper: 1,
    });
    const none = meanConfidenceSequence({ n: 1, sum: 2, sumSquares: 4 });
    expect([none.lower, none.upper, none.method]).toEqual([-Infinity, Infinity, 'asymptotic-normal-mixture']);
  });

  it('is wider than the fixed-n interval at the same data (the price of peeking freely)', () => {
    const cs = meanConfidenceSequence({ n: 1000, sum: 300, sumSquares: 300 }, { plannedN: 1000 });
    const fixed = 1.959964 * Math.sqrt((0.3 * 0.7 * 1000) / 999 / 1000);
    expect(cs.halfWidth / fixed).toBeGreaterThan(1.4);
    expect(cs.halfWidth / fixed).toBeLessThan(1.7);
  });

  it('refuses bad input, naming the field', () => {
    badArgument(() => meanConfidenceSequence({ n: 10, sum: 3 }), 'sample.sumSquares');
    badArgument(() => meanConfidenceSequence({ n: 10, sum: 30 }, { bounds: [0, 1] }), 'bounds');
    badArgument(() => meanConfidenceSequence({ n: 10, sum: 3 }, { bounds: [1, 0] }), 'bounds');
    badArgument(() => meanConfidenceSequence({ n: -1, sum: 0 }, { bounds: [0, 1] }), 'sample.n');
    badArgument(() => meanConfidenceSequence({ n: 10, sum: 3 }, { bounds: [0, 1], plannedN: 0 }), 'plannedN');
    badArgument(() => meanConfidenceSequence({ n: 10, sum: 3 }, { bounds: [0, 1], alpha: 0 }), 'alpha');
  });
});
