/** Half-open share of the unit interval, `[start, end)`, that one arm owns. */
export type BucketRange = readonly [start: number, end: number];

/**
 * Arms own consecutive slices of [0, 1) in config order, GrowthBook-style: arm i starts where the
 * shares of arms 0..i-1 end and covers `coverage * share_i`. Changing weights only moves the users
 * near the boundaries that shift, and raising coverage only adds users — nobody already in moves.
 * Shares are summed left to right in float64; servers must do the same (see docs/assignment.md).
 */
export function bucketRanges(weights: readonly number[], coverage = 1): BucketRange[] {
  let cumulative = 0;
  return armShares(weights).map((share) => {
    const start = cumulative;
    cumulative += share;
    return [start, start + coverage * share] as const;
  });
}

/** Each weight over the sum of all weights (summed left to right): the arms' shares of traffic. */
export function armShares(weights: readonly number[]): number[] {
  let total = 0;
  for (const weight of weights) total += weight;
  return weights.map((weight) => weight / total);
}

/** Index of the range holding `unit`, or -1 when it falls in a held-out gap. */
export function rangeIndex(unit: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]!;
    if (unit >= start && unit < end) return i;
  }
  return -1;
}
