// KS, Wasserstein and PSI against scipy/numpy (reference/make_drift_reference.py), and their edges.
import { describe, expect, it } from 'vitest';
import ref from '../reference/drift_reference.json' with { type: 'json' };
import {
  binWeights,
  ksStatistic,
  PSI_FLOOR,
  psi,
  psiByQuantiles,
  quantileEdges,
  StatsError,
  wassersteinDistance,
} from '../src/index.js';

const raw = (values: number[]) => ({ values, weights: values.map(() => 1) });

interface Case {
  name: string;
  a: number[];
  b: number[];
  weightsA?: number[];
  weightsB?: number[];
  ks?: number;
  wasserstein: number;
  psi?: number;
  edges?: number[];
}

describe('drift measures match scipy', () => {
  for (const c of ref.cases as Case[]) {
    it(c.name, () => {
      if (c.weightsA && c.weightsB) {
        const a = { values: c.a, weights: c.weightsA };
        const b = { values: c.b, weights: c.weightsB };
        expect(wassersteinDistance(a, b)).toBeCloseTo(c.wasserstein, 12);
        return;
      }
      expect(ksStatistic(raw(c.a), raw(c.b))).toBeCloseTo(c.ks as number, 12);
      expect(wassersteinDistance(raw(c.a), raw(c.b))).toBeCloseTo(c.wasserstein, 12);
      expect(quantileEdges(raw(c.a))).toEqual(c.edges);
      expect(psiByQuantiles(raw(c.a), raw(c.b))).toBeCloseTo(c.psi as number, 12);
    });
  }

  it('tells a shift from noise the way the usual thresholds read', () => {
    const byName = new Map((ref.cases as Case[]).map((c) => [c.name, c]));
    const same = byName.get('normal vs same normal') as Case;
    const inverted = byName.get('uniform pixels vs inverted') as Case;
    expect(psiByQuantiles(raw(same.a), raw(same.b))).toBeLessThan(0.1);
    expect(psiByQuantiles(raw(inverted.a), raw(inverted.b))).toBeGreaterThan(0.25);
    expect(ksStatistic(raw(inverted.a), raw(inverted.b))).toBeGreaterThan(0.5);
  });
});

describe('drift measures: definitions and bad input', () => {
  it('is zero between a distribution and itself, symmetric for KS and W1', () => {
    const a = { values: [3, 1, 2, 2], weights: [1, 2, 1, 1] };
    const b = { values: [5, 1], weights: [1, 1] };
    expect(ksStatistic(a, a)).toBe(0);
    expect(wassersteinDistance(a, a)).toBe(0);
    expect(psiByQuantiles(a, a)).toBe(0);
    expect(ksStatistic(a, b)).toBeCloseTo(ksStatistic(b, a), 15);
    expect(wassersteinDistance(a, b)).toBeCloseTo(wassersteinDistance(b, a), 15);
  });

  it('floors empty bins so PSI stays finite, and bins values at or below each edge', () => {
    expect(psi([1, 0], [0, 1])).toBeCloseTo(2 * (1 - PSI_FLOOR) * Math.log(1 / PSI_FLOOR), 12);
    expect(binWeights(raw([1, 2, 2, 3, 4]), [2, 3])).toEqual([3, 1, 1]);
    // A constant baseline still compares: at-or-below its value, or above.
    expect(psiByQuantiles(raw([1, 1, 1]), raw([1, 1, 1]))).toBe(0);
    expect(psiByQuantiles(raw([1, 1, 1]), raw([2, 2]))).toBeGreaterThan(1);
  });

  it('refuses malformed samples with BAD_ARGUMENT and says what is wrong', () => {
    const bad = (f: () => unknown, message: RegExp) => {
      expect(f).toThrow(StatsError);
      expect(f).toThrow(message);
    };
    bad(() => ksStatistic({ values: [1, 2], weights: [1] }, raw([1])), /one length/);
    bad(() => ksStatistic({ values: [1], weights: [-1] }, raw([1])), /weight -1/);
    bad(() => wassersteinDistance(raw([Number.NaN]), raw([1])), /not finite/);
    bad(() => ksStatistic({ values: [1], weights: [0] }, raw([1])), /empty/);
    bad(() => psi([1], [1]), /at least 2 bins/);
    bad(() => psi([0, 0], [1, 1]), /positive total/);
    bad(() => quantileEdges(raw([1, 2]), 1), /bins must be an integer >= 2/);
  });
});
