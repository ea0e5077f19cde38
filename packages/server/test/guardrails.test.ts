import type { Guardrail } from '@edgewise/protocol';
import { describe, expect, it } from 'vitest';
import { armsToStop, breachReason, evaluateGuardrails, p95 } from '../src/experiments/guardrails.js';
import { ARM_COUNTERS, zeroCounters } from '../src/storage/counters.js';
import {
  LATENCY_BUCKETS,
  latencyBucket,
  latencyBucketLowerBound,
  latencyBucketUpperBound,
  latencyCounterKey,
} from '../src/storage/latency-buckets.js';
import type { ArmAggregate, ExperimentRecord } from '../src/storage/records.js';

const record = (guardrails: Guardrail[], overrides: Partial<ExperimentRecord> = {}): ExperimentRecord => ({
  key: 'g',
  type: 'ab',
  seed: 1,
  arms: ['control', 'treatment'].map((name) => ({ name, model: 'm', version: '1', weight: 1 })),
  guardrails,
  policyVersion: 1,
  policyWeights: null,
  updatedAt: 0,
  stops: [],
  ...overrides,
});

const row = (arm: string, counters: Partial<ArmAggregate> = {}): ArmAggregate => ({
  experiment: 'g',
  arm,
  ...zeroCounters(ARM_COUNTERS),
  ...counters,
});

/** n predictions of `ms` each, as the fold counts them. */
function latencies(arm: string, spec: [ms: number, n: number][]): ArmAggregate {
  const r = row(arm);
  for (const [ms, n] of spec) {
    const key = latencyCounterKey(latencyBucket(ms));
    r[key] = (r[key] ?? 0) + n;
    r.latencySamples += n;
    r.predictions += n;
    r.predictCalls += n;
  }
  return r;
}

const rates = (arm: string, calls: number, errors: number, crashes = 0) =>
  row(arm, { predictCalls: calls, predictErrors: errors, crashes });
const loads = (arm: string, values: number[]) =>
  row(arm, {
    loads: values.length,
    loadMsSum: values.reduce((s, v) => s + v, 0),
    loadMsSumSq: values.reduce((s, v) => s + v * v, 0),
  });
const rewards = (arm: string, values: number[]) =>
  row(arm, {
    decisions: values.length,
    decisionRewardSum: values.reduce((s, v) => s + v, 0),
    decisionRewardSumSq: values.reduce((s, v) => s + v * v, 0),
  });
const spread = (mean: number, n: number, jitter: number) =>
  Array.from({ length: n }, (_, i) => mean + (i % 2 === 0 ? jitter : -jitter));

const only = (g: Guardrail, rows: ArmAggregate[]) => {
  const evaluations = evaluateGuardrails(record([g]), rows);
  expect(evaluations.map((e) => e.arm)).toEqual(['treatment']);
  return evaluations[0]!;
};

describe('latency buckets', () => {
  it('puts each latency between its bucket bounds, quarter-octaves from 1 ms to 2^16 ms', () => {
    expect(LATENCY_BUCKETS).toBe(66);
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.999)).toBe(0);
    expect(latencyBucket(1)).toBe(1);
    expect(latencyBucket(65_536)).toBe(65);
    expect(latencyBucket(3_600_000)).toBe(65);
    for (let i = 1; i < LATENCY_BUCKETS; i++) {
      expect(latencyBucket(latencyBucketLowerBound(i)), `lower bound of ${i}`).toBe(i);
      if (i < LATENCY_BUCKETS - 1) expect(latencyBucket(latencyBucketUpperBound(i) * (1 - 1e-12))).toBe(i);
    }
    for (const ms of [1.5, 7, 50, 200, 999.9, 12_345]) {
      const i = latencyBucket(ms);
      expect(latencyBucketLowerBound(i)).toBeLessThanOrEqual(ms);
      expect(ms).toBeLessThan(latencyBucketUpperBound(i));
    }
  });

  it('reads the p95 as the upper edge of its bucket', () => {
    const r = latencies('a', [
      [10, 95],
      [200, 5],
    ]);
    expect(p95(r)).toBe(latencyBucketUpperBound(latencyBucket(10)));
    expect(
      p95(
        latencies('a', [
          [10, 90],
          [200, 10],
        ]),
      ),
    ).toBe(latencyBucketUpperBound(latencyBucket(200)));
  });
});

describe('evaluateGuardrails', () => {
  it('latency_p95 maxAbsolute: breaches on a slow arm, not on a fast one, waits below minSamples', () => {
    const g: Guardrail = { metric: 'latency_p95', maxAbsolute: 50 };
    const slow = only(g, [latencies('control', [[10, 100]]), latencies('treatment', [[200, 40]])]);
    expect(slow).toMatchObject({ status: 'breached', threshold: 50, samples: 40, bound: 'maxAbsolute' });
    expect(slow.pValue).toBeLessThan(0.05);
    expect(slow.observed).toBeGreaterThan(200);
    const fast = only(g, [latencies('control', [[10, 100]]), latencies('treatment', [[20, 500]])]);
    expect(fast).toMatchObject({ status: 'ok', pValue: 1 });
    expect(only(g, [latencies('treatment', [[200, 19]])]).status).toBe('waiting');
    expect(only({ ...g, minSamples: 5 }, [latencies('treatment', [[200, 19]])]).status).toBe('breached');
  });

  it('latency_p95 maxRelativeIncrease: against control p95, waiting until control has samples', () => {
    const g: Guardrail = { metric: 'latency_p95', maxRelativeIncrease: 0.5 };
    const treatment = latencies('treatment', [[100, 200]]);
    expect(only(g, [latencies('control', [[10, 5]]), treatment]).status).toBe('waiting');
    const breached = only(g, [latencies('control', [[10, 200]]), treatment]);
    expect(breached.status).toBe('breached');
    expect(breached.threshold).toBeCloseTo(1.5 * latencyBucketUpperBound(latencyBucket(10)), 9);
    expect(only(g, [latencies('control', [[90, 200]]), treatment]).status).toBe('ok');
  });

  it('error_rate and crash_rate maxAbsolute: an exceedance test on failures per call', () => {
    const errors: Guardrail = { metric: 'error_rate', maxAbsolute: 0.01 };
    expect(only(errors, [rates('treatment', 200, 20)])).toMatchObject({
      status: 'breached',
      samples: 200,
      observed: 0.1,
    });
    expect(only(errors, [rates('treatment', 2000, 10)]).status).toBe('ok');
    const crashes: Guardrail = { metric: 'crash_rate', maxAbsolute: 0.01 };
    expect(only(crashes, [rates('treatment', 100, 0, 30)]).status).toBe('breached');
    // Crashes without any prediction still count: n is at least the failures.
    expect(only(crashes, [rates('treatment', 0, 0, 25)])).toMatchObject({ status: 'breached', samples: 25 });
    expect(only(crashes, [rates('treatment', 10, 0, 1)]).status).toBe('waiting');
  });

  it('error_rate maxRelativeIncrease: the confidence sequence of the difference against r·control rate', () => {
    const g: Guardrail = { metric: 'error_rate', maxRelativeIncrease: 0.5 };
    const worse = only(g, [rates('control', 2000, 20), rates('treatment', 2000, 120)]);
    expect(worse.status).toBe('breached');
    expect(worse.threshold).toBeCloseTo(0.015, 9);
    expect(worse.pValue).toBeLessThan(0.05);
    const same = only(g, [rates('control', 2000, 20), rates('treatment', 2000, 22)]);
    expect(same.status).toBe('ok');
    expect(same.pValue).toBe(1);
  });

  it('load_ms maxAbsolute and maxRelativeIncrease: confidence sequences on the mean load time', () => {
    const abs: Guardrail = { metric: 'load_ms', maxAbsolute: 300 };
    const slow = only(abs, [loads('treatment', spread(900, 40, 50))]);
    expect(slow).toMatchObject({ status: 'breached', observed: 900, threshold: 300 });
    expect(slow.pValue).toBeLessThan(0.05);
    expect(only(abs, [loads('treatment', spread(250, 40, 50))]).status).toBe('ok');
    const rel: Guardrail = { metric: 'load_ms', maxRelativeIncrease: 0.2 };
    expect(
      only(rel, [loads('control', spread(300, 50, 30)), loads('treatment', spread(900, 50, 30))]).status,
    ).toBe('breached');
    expect(
      only(rel, [loads('control', spread(300, 50, 30)), loads('treatment', spread(310, 50, 30))]).status,
    ).toBe('ok');
  });

  it('reward minAbsolute and maxRelativeDecrease: a drop in mean reward per decision', () => {
    const abs: Guardrail = { metric: 'reward', minAbsolute: 0.5 };
    const low = only(abs, [rewards('treatment', spread(0.1, 60, 0.05))]);
    expect(low.status).toBe('breached');
    expect(breachReason(low)).toMatch(/^reward 0\.1 below 0\.5 \(always-valid p = .+, n = 60\)$/);
    expect(only(abs, [rewards('treatment', spread(0.8, 60, 0.05))]).status).toBe('ok');
    const rel: Guardrail = { metric: 'reward', maxRelativeDecrease: 0.2 };
    expect(
      only(rel, [rewards('control', spread(1, 100, 0.1)), rewards('treatment', spread(0.5, 100, 0.1))])
        .status,
    ).toBe('breached');
    expect(
      only(rel, [rewards('control', spread(1, 100, 0.1)), rewards('treatment', spread(0.95, 100, 0.1))])
        .status,
    ).toBe('ok');
  });

  it('never evaluates control, and an empty arm is waiting', () => {
    const r = record([{ metric: 'crash_rate', maxAbsolute: 0.01 }], {
      arms: ['control', 'a', 'b'].map((name) => ({ name, model: 'm', version: '1', weight: 1 })),
    });
    const evaluations = evaluateGuardrails(r, [rates('control', 100, 0, 90)]);
    expect(evaluations.map((e) => [e.arm, e.status])).toEqual([
      ['a', 'waiting'],
      ['b', 'waiting'],
    ]);
  });
});

describe('armsToStop', () => {
  const three = ['control', 'a', 'b'].map((name) => ({ name, model: 'm', version: '1', weight: 1 }));
  const breached = (arm: string) => ({
    metric: 'crash_rate' as const,
    arm,
    bound: 'maxAbsolute' as const,
    observed: 0.5,
    threshold: 0.01,
    pValue: 0.001,
    samples: 100,
    status: 'breached' as const,
  });

  it('stops breached arms, never control, never an arm already stopped, never the last running arm', () => {
    const r = record([], { type: 'bandit', arms: three });
    expect(armsToStop(r, [breached('control'), breached('a')]).map((e) => e.arm)).toEqual(['a']);
    const aStopped = { ...r, stops: [{ arm: 'a', at: 1, by: 'admin' as const, reason: 'x' }] };
    expect(armsToStop(aStopped, [breached('a'), breached('b')]).map((e) => e.arm)).toEqual(['b']);
    const controlStopped = {
      ...r,
      stops: [
        { arm: 'control', at: 1, by: 'admin' as const, reason: 'x' },
        { arm: 'a', at: 1, by: 'admin' as const, reason: 'x' },
      ],
    };
    expect(armsToStop(controlStopped, [breached('b')])).toEqual([]);
    const whole = { ...r, stops: [{ arm: null, at: 1, by: 'admin' as const, reason: 'x' }] };
    expect(armsToStop(whole, [breached('a')])).toEqual([]);
  });
});
