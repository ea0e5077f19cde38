/**
 * The latency histogram kept per arm: bucket 0 holds latencies under 1 ms, bucket i (1 … 64) holds
 * [2^((i−1)/4), 2^(i/4)) ms — quarter-octaves, so a bucket's bounds differ by 19% — and the last
 * bucket everything from 2^16 ms (65.5 s) on. Counters keep no samples, so percentiles and "share
 * above t" are read off these bounds; fixed edges make every arm's histogram add and compare.
 */
export const LATENCY_STEPS_PER_DOUBLING = 4;
const TOP_EXPONENT = 16;
/** Buckets in all: under 1 ms, 64 quarter-octaves up to 2^16 ms, and the overflow. */
export const LATENCY_BUCKETS = TOP_EXPONENT * LATENCY_STEPS_PER_DOUBLING + 2;
const LAST = LATENCY_BUCKETS - 1;

/** Smallest latency (ms) that falls in bucket `i`; 0 for the first. */
export function latencyBucketLowerBound(i: number): number {
  if (i <= 0) return 0;
  return 2 ** ((Math.min(i, LAST) - 1) / LATENCY_STEPS_PER_DOUBLING);
}

/** First latency (ms) above bucket `i`; Infinity for the last. */
export function latencyBucketUpperBound(i: number): number {
  return i >= LAST ? Number.POSITIVE_INFINITY : latencyBucketLowerBound(i + 1);
}

/** The bucket of a latency in ms (negative and NaN count as 0 ms: the collector refuses them anyway). */
export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  if (ms >= latencyBucketLowerBound(LAST)) return LAST;
  let i = Math.floor(Math.log2(ms) * LATENCY_STEPS_PER_DOUBLING) + 1;
  // log2 rounds; the bounds are what define a bucket, so settle edge cases against them.
  if (ms < latencyBucketLowerBound(i)) i--;
  else if (ms >= latencyBucketUpperBound(i)) i++;
  return i;
}

/** Counter key of bucket `i`: lat00 … lat65. */
export function latencyCounterKey(i: number): LatencyCounterKey {
  return `lat${String(i).padStart(2, '0')}` as LatencyCounterKey;
}

export type LatencyCounterKey = `lat${number}`;

/** The histogram as counter entries (key → [column, kind]), in bucket order, for ARM_COUNTERS. */
export function latencyCounterSpec(): Record<LatencyCounterKey, readonly [column: string, kind: 'int']> {
  return Object.fromEntries(
    Array.from({ length: LATENCY_BUCKETS }, (_, i) => [
      latencyCounterKey(i),
      [`lat_${String(i).padStart(2, '0')}`, 'int'] as const,
    ]),
  ) as Record<LatencyCounterKey, readonly [string, 'int']>;
}
