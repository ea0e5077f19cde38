import { StatsError } from '../errors.js';
import { normalizeSample, type WeightedSample } from './weighted-sample.js';

/** Shares below this are raised to it, so an empty bin costs a large but finite amount. */
export const PSI_FLOOR = 1e-4;

/**
 * Population stability index between binned shares: Σ (actual − expected) · ln(actual / expected),
 * each share floored at {@link PSI_FLOOR}. The usual reading: under 0.1 stable, 0.1–0.25 a shift
 * worth a look, over 0.25 a shift. `expected` and `actual` are counts (or shares) per bin.
 */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  if (
    !Array.isArray(expected) ||
    !Array.isArray(actual) ||
    expected.length !== actual.length ||
    expected.length < 2
  )
    throw new StatsError(
      'BAD_ARGUMENT',
      'psi: expected and actual must be count arrays of one length, at least 2 bins',
    );
  const sum = (xs: readonly number[], name: string) =>
    xs.reduce((s, x) => {
      if (!Number.isFinite(x) || x < 0)
        throw new StatsError('BAD_ARGUMENT', `psi: ${name} count ${x} must be >= 0`);
      return s + x;
    }, 0);
  const te = sum(expected, 'expected');
  const ta = sum(actual, 'actual');
  if (te <= 0 || ta <= 0)
    throw new StatsError('BAD_ARGUMENT', 'psi: both distributions need a positive total');
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max((expected[i] as number) / te, PSI_FLOOR);
    const a = Math.max((actual[i] as number) / ta, PSI_FLOOR);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/**
 * Bin edges at the baseline's quantiles (`bins` equal-mass bins, as PSI is usually computed): the
 * inner edges only, distinct; a value v falls in the first bin whose edge is >= v.
 */
export function quantileEdges(baseline: WeightedSample, bins = 10): number[] {
  if (!Number.isInteger(bins) || bins < 2)
    throw new StatsError('BAD_ARGUMENT', `bins must be an integer >= 2, got ${bins}`);
  const { values, weights, total } = normalizeSample('baseline', baseline);
  const edges: number[] = [];
  let cumulative = 0;
  let k = 1;
  for (let i = 0; i < values.length && k < bins; i++) {
    cumulative += weights[i] as number;
    while (k < bins && cumulative >= (k * total) / bins - 1e-9 * total) {
      const v = values[i] as number;
      if (edges.length === 0 || (edges[edges.length - 1] as number) < v) edges.push(v);
      k++;
    }
  }
  // The largest value is not an inner edge: everything at or below it would fall in one bin.
  while (edges.length > 0 && (edges[edges.length - 1] as number) >= (values[values.length - 1] as number))
    edges.pop();
  return edges;
}

/** Weights per bin of `edges` (from {@link quantileEdges}): bin i holds edges[i−1] < v ≤ edges[i]. */
export function binWeights(sample: WeightedSample, edges: readonly number[]): number[] {
  const { values, weights } = normalizeSample('sample', sample);
  const out = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (let i = 0; i < values.length; i++) {
    while (bin < edges.length && (values[i] as number) > (edges[bin] as number)) bin++;
    out[bin]! += weights[i] as number;
  }
  return out;
}

/** PSI of `actual` against `baseline` over the baseline's `bins` quantile bins. */
export function psiByQuantiles(baseline: WeightedSample, actual: WeightedSample, bins = 10): number {
  const edges = quantileEdges(baseline, bins);
  if (edges.length === 0) {
    // A constant baseline: one bin below-or-at its value, one above.
    const only = normalizeSample('baseline', baseline).values[0] as number;
    return psi(binWeights(baseline, [only]), binWeights(actual, [only]));
  }
  return psi(binWeights(baseline, edges), binWeights(actual, edges));
}
