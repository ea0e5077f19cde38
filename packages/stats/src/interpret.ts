import type { ExpectedLossResult } from './bayesian/beta-binomial.js';
import type { SrmResult } from './frequentist/srm.js';
import type { ZTestResult } from './frequentist/z-test.js';
import type { SequentialResult } from './sequential/msprt.js';
import { requireNonNegative, requireOpenUnit, requireUnit } from './validate.js';

export interface InterpretInput {
  /** Fixed-horizon test; trusted only once `samplesPerArm` reaches `requiredSamplesPerArm`. */
  zTest?: ZTestResult;
  /** Always-valid test; when present the verdict rests on it, whatever the sample size. */
  sequential?: SequentialResult;
  srm?: SrmResult;
  /** P(B beats A) from {@link probabilityToBeatControl}. */
  probabilityToBeatControl?: number;
  expectedLoss?: ExpectedLossResult;
  /** Users per arm the plan called for, e.g. from {@link sampleSizeTwoProportions}. */
  requiredSamplesPerArm?: number;
  /** Users so far in the smaller arm. */
  samplesPerArm?: number;
  /** Default: the alpha inside the test results, else 0.05. */
  alpha?: number;
  /** Names used in the summary. Default 'A' (control) and 'B' (treatment). */
  names?: { control?: string; treatment?: string };
  /** How to print differences: percentage points for rates (default with a z-test) or plain numbers. */
  unit?: 'proportion' | 'number';
}

export type VerdictStatus = 'invalid' | 'significant' | 'not-significant' | 'keep-collecting' | 'no-data';

export interface Verdict {
  /**
   * `invalid`: sample ratio mismatch, do not read the effect; `significant`; `not-significant`
   * (planned sample reached, no difference found); `keep-collecting`; `no-data`: no test given.
   */
  status: VerdictStatus;
  significant: boolean;
  /** Treatment versus control, only when significant. */
  direction: 'better' | 'worse' | 'none';
  /** The p-value the verdict rests on, and which test produced it. */
  pValue: number | null;
  test: 'sequential' | 'z-test' | null;
  srmWarning: boolean;
  /** More users per arm needed to reach the planned sample size, when known and not yet significant. */
  samplesNeeded: number | null;
  /** One or two plain-language sentences for a dashboard or CLI. */
  summary: string;
  /** Further remarks, one sentence each. */
  notes: string[];
}

function fmtP(p: number): string {
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(3)}`;
}

/**
 * Turns test results into a structured verdict and a plain-language summary: significant or
 * not, direction, how many more samples the plan needs, and an SRM warning that overrides
 * everything else.
 *
 * @example
 * const z = twoProportionZTest({ successesA: 480, totalA: 5000, successesB: 560, totalB: 5000 });
 * const v = interpret({ zTest: z, requiredSamplesPerArm: 4000, samplesPerArm: 5000,
 *                       names: { control: 'fp32', treatment: 'int8' } });
 * v.status;  // 'significant'
 * v.summary; // 'int8 is better than fp32: +1.60 pp (95% CI +0.40 to +2.80 pp), p = 0.0088 (z-test).'
 */
export function interpret(results: InterpretInput): Verdict {
  const r = results ?? {};
  const control = r.names?.control ?? 'A';
  const treatment = r.names?.treatment ?? 'B';
  const alpha = requireOpenUnit('alpha', r.alpha ?? r.sequential?.alpha ?? r.zTest?.alpha ?? 0.05);
  const required =
    r.requiredSamplesPerArm === undefined
      ? undefined
      : requireNonNegative('requiredSamplesPerArm', r.requiredSamplesPerArm);
  const current =
    r.samplesPerArm === undefined ? undefined : requireNonNegative('samplesPerArm', r.samplesPerArm);
  if (r.probabilityToBeatControl !== undefined)
    requireUnit('probabilityToBeatControl', r.probabilityToBeatControl);
  const unit = r.unit ?? (r.zTest || r.sequential?.metric === 'proportion' ? 'proportion' : 'number');
  const fmtNumber = (d: number) => {
    if (!Number.isFinite(d)) return d > 0 ? '∞' : '−∞';
    const sign = d > 0 ? '+' : d < 0 ? '−' : '';
    return unit === 'proportion'
      ? `${sign}${(Math.abs(d) * 100).toFixed(2)}`
      : `${sign}${Math.abs(d).toPrecision(3)}`;
  };
  const fmtDiff = (d: number) => `${fmtNumber(d)}${unit === 'proportion' ? ' pp' : ''}`;
  const notes: string[] = [];
  const srmWarning = r.srm?.mismatch === true;
  const shortfall =
    required !== undefined && current !== undefined ? Math.max(0, Math.ceil(required - current)) : null;

  if (r.probabilityToBeatControl !== undefined) {
    notes.push(
      `Chance that ${treatment} beats ${control}: ${(r.probabilityToBeatControl * 100).toFixed(1)}%.`,
    );
  }
  if (r.expectedLoss) {
    notes.push(
      `Expected loss if shipping ${treatment}: ${fmtDiff(r.expectedLoss.lossB).replace(/^\+/, '')}; if keeping ${control}: ${fmtDiff(r.expectedLoss.lossA).replace(/^\+/, '')}.`,
    );
  }

  const base = { srmWarning, notes };
  if (srmWarning) {
    const srm = r.srm!;
    return {
      ...base,
      status: 'invalid',
      significant: false,
      direction: 'none',
      pValue: r.sequential?.pValue ?? r.zTest?.pValue ?? null,
      test: r.sequential ? 'sequential' : r.zTest ? 'z-test' : null,
      samplesNeeded: null,
      summary: `Sample ratio mismatch (${fmtP(srm.pValue)}): traffic does not match the intended split, so the effect estimates cannot be trusted. Find the cause (assignment, logging, bots) before reading results.`,
    };
  }

  const seq = r.sequential;
  const z = r.zTest;
  if (!seq && !z) {
    return {
      ...base,
      status: 'no-data',
      significant: false,
      direction: 'none',
      pValue: null,
      test: null,
      samplesNeeded: shortfall,
      summary: 'No test results yet.',
    };
  }

  const test = seq ? 'sequential' : 'z-test';
  const pValue = seq ? seq.pValue : z!.pValue;
  const diff = seq ? seq.diff : z!.diff;
  const ci = seq ? seq.ci : z!.ci;
  const level = Math.round((1 - alpha) * 100);
  const early = !seq && shortfall !== null && shortfall > 0;
  if (early && pValue < alpha) {
    notes.push(
      `The z-test reads ${fmtP(pValue)}, but a fixed-horizon test checked before its planned sample size overstates significance; wait for the plan or use the sequential (always-valid) p-value.`,
    );
  }
  if (!seq)
    notes.push(
      'The z-test is valid for one look at the planned sample size; repeated looks inflate false positives.',
    );
  const significant = pValue < alpha && !early;
  const direction = significant ? (diff > 0 ? 'better' : diff < 0 ? 'worse' : 'none') : 'none';
  const interval = `${level}% ${seq ? 'confidence sequence' : 'CI'} ${fmtNumber(ci[0])} to ${fmtDiff(ci[1])}`;
  const label = `${fmtP(pValue)} (${seq ? 'always-valid' : 'z-test'})`;

  if (significant) {
    return {
      ...base,
      status: 'significant',
      significant,
      direction,
      pValue,
      test,
      samplesNeeded: null,
      summary: `${treatment} is ${direction} than ${control}: ${fmtDiff(diff)} (${interval}), ${label}.`,
    };
  }
  if (shortfall !== null && shortfall > 0) {
    return {
      ...base,
      status: 'keep-collecting',
      significant: false,
      direction: 'none',
      pValue,
      test,
      samplesNeeded: shortfall,
      summary: `No significant difference yet between ${treatment} and ${control} (${fmtDiff(diff)}, ${label}); needs ${shortfall.toLocaleString('en-US')} more samples per arm to reach the planned sample size.`,
    };
  }
  const status: VerdictStatus = seq && shortfall === null ? 'keep-collecting' : 'not-significant';
  return {
    ...base,
    status,
    significant: false,
    direction: 'none',
    pValue,
    test,
    samplesNeeded: shortfall,
    summary: `No significant difference${status === 'keep-collecting' ? ' yet' : ''} between ${treatment} and ${control}: ${fmtDiff(diff)} (${interval}), ${label}.`,
  };
}
