import type { MeanSample } from '../types.js';
import { badArgument, requireFinite, requireNonNegative } from '../validate.js';

/** Mean and unbiased variance of a {@link MeanSample}, validated. */
export interface SampleMoments {
  n: number;
  mean: number;
  /** Sample variance with n − 1 in the denominator; NaN when n < 2. */
  variance: number;
}

/**
 * Validates `{ n, sum, sumSquares }` (`sumSquares` may be optional for callers that do not need a
 * variance) and returns its moments. `minN` is the fewest users the caller can work with.
 */
export function sampleMoments(
  label: string,
  sample: unknown,
  opts: { minN: number; needSquares: boolean },
): SampleMoments {
  if (sample === null || typeof sample !== 'object')
    badArgument(`${label} must be an object { n, sum, sumSquares } of per-user sufficient statistics`);
  const s = sample as Partial<MeanSample>;
  const n = requireNonNegative(`${label}.n`, s.n);
  if (!Number.isInteger(n)) badArgument(`${label}.n must be a whole count of users, got ${n}`);
  if (n < opts.minN) badArgument(`${label}.n must be at least ${opts.minN} (not enough data yet), got ${n}`);
  const sum = requireFinite(`${label}.sum`, s.sum);
  if (n === 0 && sum !== 0) badArgument(`${label}.sum must be 0 when ${label}.n is 0`);
  const mean = n > 0 ? sum / n : Number.NaN;
  if (s.sumSquares === undefined && !opts.needSquares) return { n, mean, variance: Number.NaN };
  const sq = requireNonNegative(`${label}.sumSquares`, s.sumSquares);
  // Cauchy–Schwarz: (Σx)² ≤ n Σx², with room for rounding in the caller's running sums.
  if (sum * sum > n * sq * (1 + 1e-9) + 1e-300)
    badArgument(`${label}.sumSquares (${sq}) is too small for sum ${sum} over n = ${n}`);
  // Σx² − mean·Σx rather than Σx² − (Σx)²/n: the same value, one rounding fewer.
  const variance = n > 1 ? Math.max(0, (sq - mean * sum) / (n - 1)) : Number.NaN;
  return { n, mean, variance };
}
