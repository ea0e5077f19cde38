/**
 * A mergeable quantile sketch with relative error (the DDSketch scheme): every value x with
 * |x| > MIN_MAGNITUDE is counted in bucket ceil(log_γ |x| − ½), γ = (1 + α) / (1 − α), separately for
 * positive and negative values; smaller magnitudes count as zero. Any quantile it returns is within
 * α = 1% of a true value at that rank (relative to the value), for as long as no bucket was collapsed.
 *
 * Merging adds bucket counts, so it is exactly associative and commutative: the SDK, the server and
 * the publish-time baseline all use this one mapping, and a summary merged in any order is the same.
 * Buckets more than MAX_BUCKETS below a sign's highest are folded into the lowest kept one (as
 * DDSketch's collapsing-lowest store does; it depends only on the highest bucket, so merges stay
 * order-free), which costs accuracy only for those small magnitudes and bounds the wire form.
 */
export const RELATIVE_ACCURACY = 0.01;
export const MIN_MAGNITUDE = 1e-9;
export const MAX_BUCKETS = 2048;

const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** Wire form: dense counts from `offset` (bucket index of counts[0]), per sign; min/max exact. */
export interface ValueSketchJson {
  count: number;
  zero: number;
  min: number;
  max: number;
  sum: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
}

// Bucket k holds (γ^(k−½), γ^(k+½)]: offset by half a bucket from DDSketch's own mapping so that 1
// sits mid-bucket. A classifier's top scores crowd at 1 and land on either side of it by rounding
// (0.99999994 on one runtime, 1.0000001 on another); on a boundary, that alone would read as drift.
const bucketOf = (magnitude: number) => Math.ceil(Math.log(magnitude) / LOG_GAMMA - 0.5);
/** The value a bucket stands for: the point whose relative error to both bucket ends is α. */
const representative = (bucket: number) => (2 * GAMMA ** (bucket + 0.5)) / (GAMMA + 1);

class BucketStore {
  readonly counts = new Map<number, number>();
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;

  add(bucket: number, n = 1): void {
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    if (bucket < this.low) this.low = bucket;
    if (bucket > this.high) this.high = bucket;
    // Folded lazily, at twice the window (folding at every add past it would be quadratic); the
    // fold depends only on the highest bucket, so what is read out does not depend on when it ran.
    if (this.high - this.low >= 2 * MAX_BUCKETS) this.collapse();
  }

  /** Keeps the MAX_BUCKETS buckets up to the highest: every lower one is folded into the lowest kept. */
  private collapse(): void {
    const floor = this.high - MAX_BUCKETS + 1;
    if (this.low >= floor) return;
    let folded = 0;
    for (const [k, n] of this.counts) {
      if (k < floor) {
        folded += n;
        this.counts.delete(k);
      }
    }
    this.counts.set(floor, (this.counts.get(floor) ?? 0) + folded);
    this.low = floor;
  }

  /** The buckets, within MAX_BUCKETS of the highest, ascending. */
  sorted(): [number, number][] {
    this.collapse();
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }

  toJSON(): { offset: number; counts: number[] } {
    const entries = this.sorted();
    if (entries.length === 0) return { offset: 0, counts: [] };
    const offset = entries[0]?.[0] as number;
    const last = entries[entries.length - 1]?.[0] as number;
    const counts = new Array<number>(last - offset + 1).fill(0);
    for (const [k, n] of entries) counts[k - offset] = n;
    return { offset, counts };
  }
}

export class ValueSketch {
  private readonly positive = new BucketStore();
  private readonly negative = new BucketStore();
  private zero = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  /** Adds one value; NaN and ±Infinity are not values and are skipped (the caller counts them if it cares). */
  add(x: number): void {
    if (!Number.isFinite(x)) return;
    if (x > MIN_MAGNITUDE) this.positive.add(bucketOf(x));
    else if (x < -MIN_MAGNITUDE) this.negative.add(bucketOf(-x));
    else this.zero++;
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sum += x;
  }

  /** Adds every value of `other` into this one. */
  merge(other: ValueSketch): this {
    for (const [k, n] of other.positive.counts) this.positive.add(k, n);
    for (const [k, n] of other.negative.counts) this.negative.add(k, n);
    this.zero += other.zero;
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    this.sum += other.sum;
    return this;
  }

  /**
   * The value at rank q·(count − 1) (the lower empirical quantile, as numpy's 'lower' method),
   * within α of it; clamped to the exact min and max. NaN when empty.
   */
  quantile(q: number): number {
    if (this.count === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    const rank = Math.floor(q * (this.count - 1));
    if (rank === 0) return this.min;
    if (rank === this.count - 1) return this.max;
    let seen = 0;
    const clamp = (v: number) => Math.min(this.max, Math.max(this.min, v));
    const negatives = this.negative.sorted();
    for (let i = negatives.length - 1; i >= 0; i--) {
      const [k, n] = negatives[i] as [number, number];
      seen += n;
      if (seen > rank) return clamp(-representative(k));
    }
    seen += this.zero;
    if (seen > rank) return clamp(0);
    for (const [k, n] of this.positive.sorted()) {
      seen += n;
      if (seen > rank) return clamp(representative(k));
    }
    return this.max;
  }

  /** The buckets as values with counts, ascending: the sample the drift measures compare. */
  weighted(): { values: number[]; weights: number[] } {
    const values: number[] = [];
    const weights: number[] = [];
    const negatives = this.negative.sorted();
    for (let i = negatives.length - 1; i >= 0; i--) {
      const [k, n] = negatives[i] as [number, number];
      values.push(-representative(k));
      weights.push(n);
    }
    if (this.zero > 0) {
      values.push(0);
      weights.push(this.zero);
    }
    for (const [k, n] of this.positive.sorted()) {
      values.push(representative(k));
      weights.push(n);
    }
    return { values, weights };
  }

  toJSON(): ValueSketchJson {
    return {
      count: this.count,
      zero: this.zero,
      min: this.count > 0 ? this.min : 0,
      max: this.count > 0 ? this.max : 0,
      sum: this.sum,
      positive: this.positive.toJSON(),
      negative: this.negative.toJSON(),
    };
  }

  /** Reads a wire form checked by {@link checkValueSketch}. */
  static fromJSON(json: ValueSketchJson): ValueSketch {
    const s = new ValueSketch();
    json.positive.counts.forEach((n, i) => {
      if (n > 0) s.positive.add(json.positive.offset + i, n);
    });
    json.negative.counts.forEach((n, i) => {
      if (n > 0) s.negative.add(json.negative.offset + i, n);
    });
    s.zero = json.zero;
    s.count = json.count;
    if (json.count > 0) {
      s.min = json.min;
      s.max = json.max;
    }
    s.sum = json.sum;
    return s;
  }
}

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;

/** Why `value` is not a well-formed sketch (the field at fault first), or undefined if it is. */
export function checkValueSketch(value: unknown): [string, string] | undefined {
  if (typeof value !== 'object' || value === null) return ['', 'must be an object'];
  const v = value as Record<string, unknown>;
  for (const field of ['count', 'zero'] as const)
    if (!isCount(v[field])) return [field, 'must be an integer >= 0'];
  for (const field of ['min', 'max', 'sum'] as const)
    if (typeof v[field] !== 'number' || !Number.isFinite(v[field])) return [field, 'must be a finite number'];
  let total = v.zero as number;
  for (const side of ['positive', 'negative'] as const) {
    const store = v[side] as { offset?: unknown; counts?: unknown } | undefined;
    if (typeof store !== 'object' || store === null) return [side, 'must be { offset, counts }'];
    if (!Number.isInteger(store.offset) || Math.abs(store.offset as number) > 100_000)
      return [`${side}.offset`, 'must be an integer bucket index'];
    if (!Array.isArray(store.counts) || store.counts.length > MAX_BUCKETS)
      return [`${side}.counts`, `must be an array of at most ${MAX_BUCKETS} counts`];
    for (const n of store.counts) {
      if (!isCount(n)) return [`${side}.counts`, 'must hold integers >= 0'];
      total += n;
    }
  }
  if (total !== v.count) return ['count', `must equal the buckets' total (${total})`];
  if ((v.count as number) > 0 && (v.min as number) > (v.max as number)) return ['min', 'must be <= max'];
  return undefined;
}
