import { describe, expect, it } from 'vitest';
import {
  expectedLoss,
  interpret,
  optimalMixtureRatio,
  probabilityToBeatControl,
  type SequentialResult,
  sampleSizeTwoProportions,
  sequentialTest,
  srmTest,
  twoProportionZTest,
} from '../src/index.js';

describe('twoProportionZTest edge cases', () => {
  it('reports no evidence (z = 0, p = 1) when neither arm has any variance', () => {
    const r = twoProportionZTest({ successesA: 0, totalA: 100, successesB: 0, totalB: 80 });
    expect(r).toMatchObject({ z: 0, pValue: 1, diff: 0, significant: false });
  });

  it('one-sided p-values add up to 1 and halve the two-sided one', () => {
    const input = { successesA: 100, totalA: 1000, successesB: 130, totalB: 1000 };
    const g = twoProportionZTest(input, { alternative: 'greater' }).pValue;
    const l = twoProportionZTest(input, { alternative: 'less' }).pValue;
    expect(g + l).toBeCloseTo(1, 14);
    expect(twoProportionZTest(input).pValue).toBeCloseTo(2 * g, 14);
  });
});

describe('sequentialTest', () => {
  const control = { name: 'A', pulls: 5000, rewardSum: 500 };
  const treatment = { name: 'B', pulls: 5000, rewardSum: 590 };

  it('is more conservative than the fixed-horizon z-test at the same data', () => {
    const seq = sequentialTest({ control, treatment });
    const z = twoProportionZTest({ successesA: 500, totalA: 5000, successesB: 590, totalB: 5000 });
    expect(seq.pValue).toBeGreaterThan(z.pValue);
    expect(seq.ci[1] - seq.ci[0]).toBeGreaterThan(z.ci[1] - z.ci[0]);
    expect(seq.ci[0]).toBeLessThan(seq.diff);
    expect(seq.ci[1]).toBeGreaterThan(seq.diff);
  });

  it('with previous, the p-value never rises and the confidence sequence only shrinks', () => {
    let prev: SequentialResult | undefined;
    const looks = [
      [1000, 100, 1000, 131],
      [2000, 205, 2000, 240],
      [3000, 310, 3000, 330],
      [4000, 400, 4000, 430],
    ];
    for (const [nA, sA, nB, sB] of looks) {
      const r: SequentialResult = sequentialTest({
        control: { name: 'A', pulls: nA!, rewardSum: sA! },
        treatment: { name: 'B', pulls: nB!, rewardSum: sB! },
        ...(prev ? { previous: prev } : {}),
      });
      if (prev) {
        expect(r.pValue).toBeLessThanOrEqual(prev.pValue);
        expect(r.ci[0]).toBeGreaterThanOrEqual(prev.ci[0]);
        expect(r.ci[1]).toBeLessThanOrEqual(prev.ci[1]);
      }
      prev = r;
    }
  });

  it('uses the documented default mixture variance τ² = u·(σ²A + σ²B)/N', () => {
    const u = optimalMixtureRatio(0.05);
    expect(u).toBeCloseTo(2 * Math.log(20) + Math.log1p(u), 12);
    expect(u).toBeGreaterThan(8);
    expect(u).toBeLessThan(8.5);
    const r = sequentialTest({ control, treatment, plannedSamplesPerArm: 20_000 });
    const v = (s: number, n: number) => ((s + 0.5) / (n + 1)) * (1 - (s + 0.5) / (n + 1));
    expect(r.mixtureVariance).toBeCloseTo((u * (v(500, 5000) + v(590, 5000))) / 20_000, 15);
  });

  it('before there is any variance to estimate (a mean with one observation per arm) it reports no evidence', () => {
    const r = sequentialTest({
      control: { name: 'A', pulls: 1, rewardSum: 0.91, rewardSumSquares: 0.91 ** 2 },
      treatment: { name: 'B', pulls: 1, rewardSum: 0.93, rewardSumSquares: 0.93 ** 2 },
      metric: 'mean',
    });
    expect(r.pValue).toBe(1);
    expect(r.ci).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });
});

describe('srmTest', () => {
  it('flags a 50/50 split that came out 50.0/52.0 only at p < 0.001, any number of arms', () => {
    expect(srmTest({ counts: [5000, 5100] }).mismatch).toBe(false);
    expect(srmTest({ counts: [10_000, 10_600], weights: [0.5, 0.5] }).mismatch).toBe(true);
    const three = srmTest({ counts: [1000, 2000, 3000], weights: [1, 2, 3] });
    expect(three).toMatchObject({ chi2: 0, df: 2, pValue: 1, mismatch: false });
  });
});

describe('Beta-Binomial', () => {
  it('is symmetric: P(B > A) + P(A > B) = 1 and loss difference equals the mean difference', () => {
    const ab = probabilityToBeatControl({ successesA: 30, totalA: 200, successesB: 41, totalB: 210 });
    const ba = probabilityToBeatControl({ successesA: 41, totalA: 210, successesB: 30, totalB: 200 });
    expect(ab + ba).toBeCloseTo(1, 9);
    const loss = expectedLoss({ successesA: 30, totalA: 200, successesB: 41, totalB: 210 });
    expect(loss.lossA - loss.lossB).toBeCloseTo(42 / 212 - 31 / 202, 9);
  });

  it('stays fast and finite for a million users per arm', () => {
    const t0 = performance.now();
    const p = probabilityToBeatControl({
      successesA: 100_000,
      totalA: 1_000_000,
      successesB: 101_000,
      totalB: 1_000_000,
    });
    expect(p).toBeGreaterThan(0.98);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('interpret', () => {
  const z = twoProportionZTest({ successesA: 480, totalA: 5000, successesB: 560, totalB: 5000 });

  it('declares a significant improvement with direction, interval and p-value', () => {
    const v = interpret({
      zTest: z,
      requiredSamplesPerArm: 4000,
      samplesPerArm: 5000,
      names: { control: 'fp32', treatment: 'int8' },
    });
    expect(v).toMatchObject({
      status: 'significant',
      significant: true,
      direction: 'better',
      test: 'z-test',
      srmWarning: false,
    });
    expect(v.summary).toMatch(
      /^int8 is better than fp32: \+1\.60 pp \(95% CI \+0\.\d\d to \+2\.\d\d pp\), p = 0\.0\d+ \(z-test\)\.$/,
    );
  });

  it('says how many more samples the plan needs, and distrusts an early fixed-horizon p-value', () => {
    const required = sampleSizeTwoProportions({ baseline: 0.1, mde: 0.1, relative: true });
    const v = interpret({ zTest: z, requiredSamplesPerArm: required, samplesPerArm: 5000 });
    expect(v.status).toBe('keep-collecting');
    expect(v.significant).toBe(false);
    expect(v.samplesNeeded).toBe(required - 5000);
    expect(v.summary).toContain(`needs ${(required - 5000).toLocaleString('en-US')} more samples per arm`);
    expect(v.notes.join(' ')).toMatch(/overstates significance/);
  });

  it('trusts the always-valid sequential p-value at any sample size', () => {
    const seq = sequentialTest({
      control: { name: 'A', pulls: 20_000, rewardSum: 2000 },
      treatment: { name: 'B', pulls: 20_000, rewardSum: 1800 },
    });
    const v = interpret({ sequential: seq, requiredSamplesPerArm: 50_000, samplesPerArm: 20_000 });
    expect(v).toMatchObject({ status: 'significant', direction: 'worse', test: 'sequential' });
    expect(v.summary).toMatch(/B is worse than A: −1\.00 pp \(95% confidence sequence/);
  });

  it('an SRM overrides everything with a warning', () => {
    const srm = srmTest({ counts: [10_000, 11_000] });
    const v = interpret({ zTest: z, srm, probabilityToBeatControl: 0.97 });
    expect(v).toMatchObject({ status: 'invalid', significant: false, srmWarning: true });
    expect(v.summary).toMatch(/^Sample ratio mismatch/);
  });

  it('reports no difference, and no data', () => {
    const flat = twoProportionZTest({ successesA: 500, totalA: 5000, successesB: 505, totalB: 5000 });
    expect(interpret({ zTest: flat, requiredSamplesPerArm: 5000, samplesPerArm: 5000 }).status).toBe(
      'not-significant',
    );
    expect(interpret({}).status).toBe('no-data');
  });
});
