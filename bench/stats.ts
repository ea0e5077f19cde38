// Pure summary math for the benchmarks: percentiles, ratios of paired rounds, throughput.

/** Value at quantile q (0..1) of the samples, nearest-rank on the sorted copy; NaN when empty. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Summary figures for a list of timings (ms). */
export function summarize(samples: readonly number[]): { median: number; p95: number; n: number } {
  return { median: median(samples), p95: quantile(samples, 0.95), n: samples.length };
}

/** Items per second for `items` done in `ms`. */
export function perSecond(items: number, ms: number): number {
  return ms > 0 ? (items * 1000) / ms : Number.NaN;
}

/**
 * The median over rounds of ours[i] / theirs[i]. Pairing each round with the round it was interleaved
 * with cancels the drift of a noisy machine better than a ratio of overall medians does.
 */
export function pairedRatio(ours: readonly number[], theirs: readonly number[]): number {
  const n = Math.min(ours.length, theirs.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    if (theirs[i]! > 0 && Number.isFinite(ours[i]!)) ratios.push(ours[i]! / theirs[i]!);
  }
  return median(ratios);
}

/** The contenders in the order to run them in a round: rotated each round so none always goes first. */
export function roundOrder<T>(contenders: readonly T[], round: number): T[] {
  if (contenders.length === 0) return [];
  const shift = round % contenders.length;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
}
