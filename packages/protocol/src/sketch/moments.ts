/**
 * Count, mean and sum of squared deviations of a stream (Welford), mergeable (Chan et al.):
 * the mean and variance of one input feature without keeping its values.
 */
export interface MomentsJson {
  count: number;
  mean: number;
  /** Σ (x − mean)²; the variance is m2 / (count − 1). */
  m2: number;
}

export class Moments {
  count = 0;
  mean = 0;
  m2 = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) return;
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
  }

  merge(other: MomentsJson): this {
    if (other.count === 0) return this;
    const n = this.count + other.count;
    const delta = other.mean - this.mean;
    this.m2 += other.m2 + (delta * delta * this.count * other.count) / n;
    this.mean += (delta * other.count) / n;
    this.count = n;
    return this;
  }

  /** Sample variance (n − 1); NaN under two values. */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : Number.NaN;
  }

  toJSON(): MomentsJson {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  static fromJSON(json: MomentsJson): Moments {
    return new Moments().merge(json);
  }
}

/** Why `value` is not well-formed moments (the field first), or undefined. */
export function checkMoments(value: unknown): [string, string] | undefined {
  if (typeof value !== 'object' || value === null) return ['', 'must be an object'];
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.count) || (v.count as number) < 0) return ['count', 'must be an integer >= 0'];
  if (typeof v.mean !== 'number' || !Number.isFinite(v.mean)) return ['mean', 'must be a finite number'];
  if (typeof v.m2 !== 'number' || !Number.isFinite(v.m2) || v.m2 < 0)
    return ['m2', 'must be a finite number >= 0'];
  return undefined;
}
