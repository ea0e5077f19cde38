import { normalizeSample, type WeightedSample } from './weighted-sample.js';

/**
 * The two empirical CDFs over the union of both supports, walked once: `visit` gets each step
 * (the value, both CDFs just after it, and the gap to the next value).
 */
function walkCdfs(
  a: WeightedSample,
  b: WeightedSample,
  visit: (cdfA: number, cdfB: number, width: number) => void,
): void {
  const x = normalizeSample('a', a);
  const y = normalizeSample('b', b);
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  while (i < x.values.length || j < y.values.length) {
    const va = i < x.values.length ? (x.values[i] as number) : Number.POSITIVE_INFINITY;
    const vb = j < y.values.length ? (y.values[j] as number) : Number.POSITIVE_INFINITY;
    const v = Math.min(va, vb);
    if (va === v) fa += (x.weights[i++] as number) / x.total;
    if (vb === v) fb += (y.weights[j++] as number) / y.total;
    const next = Math.min(
      i < x.values.length ? (x.values[i] as number) : Number.POSITIVE_INFINITY,
      j < y.values.length ? (y.values[j] as number) : Number.POSITIVE_INFINITY,
    );
    visit(fa, fb, Number.isFinite(next) ? next - v : 0);
  }
}

/**
 * Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs. On raw
 * samples (weights 1) it is scipy.stats.ks_2samp's statistic exactly; on sketches, that of their buckets.
 */
export function ksStatistic(a: WeightedSample, b: WeightedSample): number {
  let d = 0;
  walkCdfs(a, b, (fa, fb) => {
    d = Math.max(d, Math.abs(fa - fb));
  });
  return d;
}

/**
 * First Wasserstein (earth mover's) distance, ∫|F_a − F_b| dx, in the values' own unit; on raw
 * samples it is scipy.stats.wasserstein_distance exactly.
 */
export function wassersteinDistance(a: WeightedSample, b: WeightedSample): number {
  let w = 0;
  walkCdfs(a, b, (fa, fb, width) => {
    w += Math.abs(fa - fb) * width;
  });
  return w;
}
