// Drift from sketches: the measures the server computes on two summaries' buckets agree with the
// same measures on the raw values within the sketches' resolution, and tell a shift from noise.
import type { ModelSummary } from '@edgewise/protocol';
import { createRng, ksStatistic, psiByQuantiles, sampleBeta, wassersteinDistance } from '@edgewise/stats';
import { describe, expect, it } from 'vitest';
import { driftReport } from '../src/monitoring/drift-report.js';
import { pixelSummary } from './support/summaries.js';

const raw = (values: number[]) => ({ values, weights: values.map(() => 1) });

const summaryOf = (pixels: number[], classes: number[]) =>
  pixelSummary(pixels, classes, { scores: pixels.slice(0, 500).map((x) => 0.5 + x / 2) });

describe('drift report', () => {
  const rng = createRng(2026);
  // MNIST-like pixels: mostly dark, a bright tail; inverted, mostly bright.
  const draw = (n: number) => Array.from({ length: n }, () => sampleBeta(rng, 0.3, 2));
  const baseline = draw(5000);
  const same = draw(3000);
  const inverted = draw(3000).map((x) => 1 - x);

  it('computes KS, W1 and PSI on the buckets within the sketches’ resolution of the raw figures', () => {
    const report = driftReport(summaryOf(baseline, [10, 10]), summaryOf(same, [10, 10]));
    const m = report.measures.find((x) => x.name === 'inputs.pixels');
    const ks = ksStatistic(raw(baseline), raw(same));
    const w1 = wassersteinDistance(raw(baseline), raw(same));
    const sd = Math.sqrt(
      baseline.reduce((s, x) => s + (x - baseline.reduce((a, b) => a + b, 0) / baseline.length) ** 2, 0) /
        baseline.length,
    );
    expect(Math.abs((m?.ks as number) - ks)).toBeLessThan(0.02);
    expect(Math.abs((m?.wassersteinSd as number) - w1 / sd)).toBeLessThan(0.02);
    expect(Math.abs((m?.psi as number) - psiByQuantiles(raw(baseline), raw(same)))).toBeLessThan(0.02);
  });

  it('calls inverted pixels and a changed class mix drift, and the same distribution not', () => {
    const calm = driftReport(summaryOf(baseline, [500, 480, 520]), summaryOf(same, [300, 290, 310]));
    expect(calm.drifted).toBe(false);
    expect(calm.measures.map((m) => m.name)).toEqual([
      'inputs.pixels',
      'outputs.probabilities.classes',
      'outputs.probabilities.values',
    ]);
    const shifted = driftReport(summaryOf(baseline, [500, 480, 520]), summaryOf(inverted, [50, 900, 50]));
    expect(shifted.drifted).toBe(true);
    const pixels = shifted.measures.find((m) => m.name === 'inputs.pixels');
    expect(pixels?.drifted).toBe(true);
    expect(pixels?.meanShiftSd).toBeGreaterThan(2);
    expect(shifted.measures.find((m) => m.name === 'outputs.probabilities.classes')?.drifted).toBe(true);
  });

  it('compares only what both summaries have', () => {
    const live: ModelSummary = { predictions: 30, inputs: {}, outputs: {} };
    expect(driftReport(summaryOf(baseline, [1, 1]), live)).toMatchObject({ measures: [], drifted: false });
  });
});
