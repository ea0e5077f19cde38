import { chiSquareSf } from '../special/chi-square.js';
import {
  badArgument,
  requireArray,
  requireNonNegative,
  requireOpenUnit,
  requirePositive,
} from '../validate.js';

export interface SrmInput {
  /** Observed exposures per arm. */
  counts: number[];
  /** Intended traffic weights per arm (any positive scale). Default: equal. */
  weights?: number[];
  /** Flag a mismatch when pValue < threshold. Default 0.001. */
  threshold?: number;
}

export interface SrmResult {
  chi2: number;
  /** Degrees of freedom: arms − 1. */
  df: number;
  pValue: number;
  /** True when pValue < threshold: the split is broken and effect estimates are not to be trusted. */
  mismatch: boolean;
  /** Expected exposures per arm under the intended weights. */
  expected: number[];
  threshold: number;
}

/**
 * Sample ratio mismatch: a chi-square goodness-of-fit test of observed exposures against the
 * intended split, any number of arms (scipy.stats.chisquare). Flags at p < 0.001 by default.
 *
 * @example
 * srmTest({ counts: [5000, 5300], weights: [0.5, 0.5] }); // { chi2: 8.74, pValue: 0.0031, mismatch: false, ... }
 */
export function srmTest(input: SrmInput): SrmResult {
  const counts = requireArray('counts', input?.counts, 2).map((c, i) =>
    requireNonNegative(`counts[${i}]`, c),
  );
  const rawWeights = input.weights ?? counts.map(() => 1);
  const weights = requireArray('weights', rawWeights, 2).map((w, i) => requirePositive(`weights[${i}]`, w));
  if (weights.length !== counts.length) {
    badArgument(`weights must have one entry per arm: ${counts.length} counts but ${weights.length} weights`);
  }
  const threshold = requireOpenUnit('threshold', input.threshold ?? 0.001);
  const total = counts.reduce((s, c) => s + c, 0);
  const wsum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (total * w) / wsum);
  const df = counts.length - 1;
  if (total === 0) return { chi2: 0, df, pValue: 1, mismatch: false, expected, threshold };
  let chi2 = 0;
  for (let i = 0; i < counts.length; i++) chi2 += (counts[i]! - expected[i]!) ** 2 / expected[i]!;
  const pValue = chiSquareSf(chi2, df);
  return { chi2, df, pValue, mismatch: pValue < threshold, expected, threshold };
}
