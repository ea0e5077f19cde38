// Every number here comes from scipy / statsmodels via reference/make_reference.py.
import { describe, expect, it } from 'vitest';
import ref from '../reference/reference.json' with { type: 'json' };
import {
  benjaminiHochberg,
  betaCdf,
  betaQuantile,
  betaSf,
  type ConfidenceSequenceOptions,
  chiSquareCdf,
  chiSquareIsf,
  chiSquareQuantile,
  chiSquareSf,
  expectedLoss,
  holm,
  logGamma,
  meanConfidenceSequence,
  noncentralTCdf,
  noncentralTQuantile,
  noncentralTSf,
  normalCdf,
  normalQuantile,
  normalSf,
  powerTTestInd,
  probabilityToBeatControl,
  type SampleSizeCohensDInput,
  type SampleSizeProportionsInput,
  type SequentialInput,
  sampleSizeCohensD,
  sampleSizeTwoProportions,
  sequentialTest,
  srmTest,
  studentTCdf,
  studentTIsf,
  studentTQuantile,
  studentTSf,
  twoProportionZTest,
  type WelchInput,
  type WelchOptions,
  welchTTest,
  type ZTestOptions,
} from '../src/index.js';

/** |actual − expected| ≤ tol·|expected| (absolute `tol` when expected is 0). */
function expectRel(actual: number, expected: number, tol = 1e-6, label = ''): void {
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  if (!(err <= tol)) throw new Error(`${label}: got ${actual}, expected ${expected} (relative error ${err})`);
}

type Row = number[];
const table = (rows: Row[], f: (...args: number[]) => number, name: string, tol = 1e-6) => {
  for (const row of rows) {
    const args = row.slice(0, -1);
    expectRel(f(...args), row[row.length - 1]!, tol, `${name}(${args.join(', ')})`);
  }
};

describe('special functions match scipy to 1e-6 relative', () => {
  it('normal CDF, survival function and quantile, far into both tails', () => {
    table(ref.normal.cdf, normalCdf, 'normalCdf');
    table(ref.normal.sf, normalSf, 'normalSf');
    table(ref.normal.ppf, normalQuantile, 'normalQuantile');
  });

  it('Student t CDF, survival function and quantiles, from df = 1 to df = 12,560', () => {
    table(ref.t.cdf, studentTCdf, 'studentTCdf');
    table(ref.t.sf, studentTSf, 'studentTSf');
    table(ref.t.ppf, studentTQuantile, 'studentTQuantile');
    table(ref.t.isf, studentTIsf, 'studentTIsf');
  });

  it('chi-square CDF, survival function and quantiles, including df = 10,000', () => {
    table(ref.chi2.cdf, chiSquareCdf, 'chiSquareCdf');
    table(ref.chi2.sf, chiSquareSf, 'chiSquareSf');
    table(ref.chi2.ppf, chiSquareQuantile, 'chiSquareQuantile');
    table(ref.chi2.isf, chiSquareIsf, 'chiSquareIsf');
  });

  it('beta CDF, survival function and quantile, for shapes from 0.2 to 10,000', () => {
    table(ref.beta.cdf, betaCdf, 'betaCdf');
    table(ref.beta.sf, betaSf, 'betaSf');
    table(ref.beta.ppf, (p, a, b) => betaQuantile(p, a, b), 'betaQuantile');
  });

  it('noncentral t CDF, survival function and quantile, including its far tails', () => {
    table(ref.nct.cdf, noncentralTCdf, 'noncentralTCdf');
    table(ref.nct.sf, noncentralTSf, 'noncentralTSf');
    table(ref.nct.ppf, noncentralTQuantile, 'noncentralTQuantile');
  });

  it('noncentral t tails opposite the noncentrality, to 1e-9 of 40-digit mpmath (where scipy drifts)', () => {
    table(ref.nctFarTails.cdf, noncentralTCdf, 'noncentralTCdf', 1e-9);
    table(ref.nctFarTails.sf, noncentralTSf, 'noncentralTSf', 1e-9);
  });

  it('log-gamma', () => {
    table(ref.logGamma, logGamma, 'logGamma', 1e-12);
  });

  it('quantiles invert their CDFs', () => {
    for (const p of [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999]) {
      expectRel(normalCdf(normalQuantile(p)), p, 1e-12, 'normal');
      expectRel(studentTCdf(studentTQuantile(p, 7.5), 7.5), p, 1e-10, 't');
      expectRel(chiSquareCdf(chiSquareQuantile(p, 3), 3), p, 1e-10, 'chi2');
      expectRel(betaCdf(betaQuantile(p, 0.7, 12), 0.7, 12), p, 1e-10, 'beta');
    }
  });
});

describe('twoProportionZTest matches statsmodels', () => {
  it.each(ref.zTest)(
    '$input.successesA/$input.totalA vs $input.successesB/$input.totalB, $options.alternative',
    (c) => {
      const r = twoProportionZTest(c.input, c.options as ZTestOptions);
      expectRel(r.z, c.z, 1e-9, 'z');
      expectRel(r.pValue, c.pValue, 1e-9, 'pValue');
      expectRel(r.diff, c.diff, 1e-12, 'diff');
      expectRel(r.ci[0], c.ci[0]!, 1e-9, 'ci lower');
      expectRel(r.ci[1], c.ci[1]!, 1e-9, 'ci upper');
      expect(r.significant).toBe(c.pValue < c.options.alpha);
    },
  );
});

describe('sample sizes match statsmodels', () => {
  it('sampleSizeCohensD equals TTestIndPower().solve_power: d = 0.05 → 6280.05, 6281 rounded up', () => {
    expectRel(sampleSizeCohensD({ effectSize: 0.05, exact: true }), 6280.048916291407, 1e-9, 'd=0.05');
    expect(sampleSizeCohensD({ effectSize: 0.05, alpha: 0.05, power: 0.8 })).toBe(6281);
  });

  it.each(ref.sampleSizeCohensD)('sampleSizeCohensD $input', (c) => {
    const input = c.input as SampleSizeCohensDInput;
    // statsmodels stops its root search a little early for small n (d = 1.2: power off by 8e-9),
    // so compare at 1e-7; ours solves power(n) = target to 1e-10.
    expectRel(sampleSizeCohensD({ ...input, exact: true }), c.nobs1, 1e-7, 'nobs1');
    expect(sampleSizeCohensD(input)).toBe(Math.ceil(c.nobs1 - 1e-6));
  });

  it.each(ref.powerTTestInd)('powerTTestInd $input', (c) => {
    expectRel(powerTTestInd(c.input as Parameters<typeof powerTTestInd>[0]), c.power, 1e-9, 'power');
  });

  it.each(ref.sampleSizeTwoProportions)('sampleSizeTwoProportions $input', (c) => {
    const input = c.input as SampleSizeProportionsInput;
    expectRel(sampleSizeTwoProportions({ ...input, exact: true }), c.n, 1e-10, 'n');
    expect(sampleSizeTwoProportions(input)).toBe(Math.ceil(c.n));
  });

  it('a 5% relative lift on a 10% baseline needs ~57,763 per group, not the 6,281 of Cohen’s d = 0.05', () => {
    const right = sampleSizeTwoProportions({ baseline: 0.1, mde: 0.05, relative: true });
    expect(right).toBe(Math.ceil(ref.pitfall.rightProportions));
    expect(right / sampleSizeCohensD({ effectSize: 0.05 })).toBeGreaterThan(9);
  });
});

describe('SRM and multiple comparisons match scipy / statsmodels', () => {
  it.each(ref.srm)('srmTest $input.counts', (c) => {
    const r = srmTest(c.input);
    expectRel(r.chi2, c.chi2, 1e-12, 'chi2');
    expectRel(r.pValue, c.pValue, 1e-9, 'pValue');
    expect(r.mismatch).toBe(c.mismatch);
  });

  it('holm and benjaminiHochberg equal multipletests, in input order', () => {
    for (const [name, fn, cases] of [
      ['holm', holm, ref.holm],
      ['benjaminiHochberg', benjaminiHochberg, ref.benjaminiHochberg],
    ] as const) {
      for (const c of cases) {
        fn(c.input).forEach((v, i) => {
          expectRel(v, c.adjusted[i]!, 1e-12, `${name}(${c.input})`);
        });
      }
    }
  });
});

describe('Beta-Binomial matches scipy quadrature (and the exact sum for integer shapes)', () => {
  it.each(ref.bayes)('$input', (c) => {
    const p = probabilityToBeatControl(c.input);
    expectRel(p, c.probabilityToBeatControl, 1e-8, 'P(B > A)');
    if ('millerExact' in c) expectRel(p, c.millerExact as number, 1e-8, 'exact sum');
    const loss = expectedLoss(c.input);
    expectRel(loss.lossA, c.lossA, 1e-6, 'lossA');
    expectRel(loss.lossB, c.lossB, 1e-6, 'lossB');
  });
});

describe('sequentialTest matches the numerically integrated mixture likelihood ratio', () => {
  it.each(ref.sequential)('$input.metric, τ² = $input.mixtureVariance', (c) => {
    const r = sequentialTest(c.input as SequentialInput);
    expectRel(r.likelihoodRatio, c.likelihoodRatio, 1e-9, 'Λ');
    expectRel(r.pValue, c.pValue, 1e-9, 'pValue');
    expectRel(r.ci[0], c.ci[0]!, 1e-9, 'cs lower');
    expectRel(r.ci[1], c.ci[1]!, 1e-9, 'cs upper');
    expectRel(r.diff, c.diff, 1e-12, 'diff');
  });
});

/** JSON has no infinities: a missing (null) interval end is the open side of a one-sided interval. */
const end = (v: number | null, side: -1 | 1) => v ?? side * Number.POSITIVE_INFINITY;

describe('welchTTest matches scipy ttest_ind_from_stats(equal_var=False) and the Welch interval', () => {
  const devs: number[] = [];
  // `scale` floors the denominator: an interval end near 0 has no relative precision to speak of,
  // so its error is measured against the standard error instead.
  const check = (actual: number, expected: number, tol: number, label: string, scale = 0) => {
    if (!Number.isFinite(expected)) return expect(actual).toBe(expected);
    const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), scale);
    devs.push(err);
    if (!(err <= tol))
      throw new Error(`${label}: got ${actual}, expected ${expected} (relative error ${err})`);
  };

  it.each(ref.welch)('n = $input.control.n vs $input.treatment.n, $options.alternative', (c) => {
    const r = welchTTest(c.input as WelchInput, c.options as WelchOptions);
    check(r.t, c.t, 1e-9, 't');
    check(r.df, c.df, 1e-9, 'df');
    // p-values and interval ends to 1e-8, not 1e-9: at df ≈ 3.7 million studentTSf and studentTIsf
    // themselves are off by 5e-9 and 7e-10 relative (40-digit mpmath sides with scipy there), while
    // t, df, diff and the standard error still match to 1e-9.
    check(r.pValue, c.pValue, 1e-8, 'pValue');
    check(r.diff, c.diff, 1e-9, 'diff');
    check(r.standardError, c.standardError, 1e-9, 'standardError');
    check(r.meanControl, c.meanControl, 1e-12, 'meanControl');
    check(r.meanTreatment, c.meanTreatment, 1e-12, 'meanTreatment');
    check(r.ci.lower, end(c.ci[0] as number | null, -1), 1e-8, 'ci lower', c.standardError);
    check(r.ci.upper, end(c.ci[1] as number | null, 1), 1e-8, 'ci upper', c.standardError);
  });

  it.each(ref.welchRaw)('raw data, n = $input.control.n vs $input.treatment.n, $options.alternative', (c) => {
    const r = welchTTest(c.input, c.options as WelchOptions);
    check(r.t, c.t, 1e-9, 't');
    check(r.df, c.df, 1e-9, 'df');
    check(r.pValue, c.pValue, 1e-9, 'pValue');
    check(r.ci.lower, end(c.ci[0] as number | null, -1), 1e-9, 'ci lower', r.standardError);
    check(r.ci.upper, end(c.ci[1] as number | null, 1), 1e-9, 'ci upper', r.standardError);
  });

  it('reports its largest relative deviation', () => {
    console.log(`welchTTest: max relative deviation from scipy ${Math.max(...devs).toExponential(2)}`);
  });
});

describe('meanConfidenceSequence matches the mpmath-integrated normal-mixture boundary', () => {
  const devs: number[] = [];
  it.each(ref.confidenceSequence)('n = $input.n, $options', (c) => {
    const r = meanConfidenceSequence(c.input, c.options as ConfidenceSequenceOptions);
    expect(r.method).toBe(c.method);
    for (const [k, tol] of [
      ['halfWidth', 1e-10],
      ['lower', 1e-10],
      ['upper', 1e-10],
      ['mean', 1e-14],
    ] as const) {
      devs.push(Math.abs(r[k] - c[k]) / Math.abs(c[k] || 1));
      expectRel(r[k], c[k], tol, k);
    }
  });

  it('reports its largest relative deviation', () => {
    console.log(
      `meanConfidenceSequence: max relative deviation from mpmath ${Math.max(...devs).toExponential(2)}`,
    );
  });
});
