import { StatsError } from '../errors.js';

/**
 * A distribution given as values with weights: raw data (every weight 1) or a sketch's buckets
 * (each bucket's representative value and count). Values need not be sorted or distinct.
 */
export interface WeightedSample {
  values: readonly number[];
  weights: readonly number[];
}

/** Sorted distinct values with their summed weights, and the total; throws on a malformed sample. */
export function normalizeSample(
  name: string,
  sample: WeightedSample,
): { values: number[]; weights: number[]; total: number } {
  const { values, weights } = sample;
  if (!Array.isArray(values) || !Array.isArray(weights) || values.length !== weights.length)
    throw new StatsError('BAD_ARGUMENT', `${name}: values and weights must be arrays of one length`);
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const outValues: number[] = [];
  const outWeights: number[] = [];
  let total = 0;
  for (const i of order) {
    const v = values[i] as number;
    const w = weights[i] as number;
    if (!Number.isFinite(v)) throw new StatsError('BAD_ARGUMENT', `${name}: value ${v} is not finite`);
    if (!Number.isFinite(w) || w < 0)
      throw new StatsError('BAD_ARGUMENT', `${name}: weight ${w} must be a finite number >= 0`);
    if (w === 0) continue;
    if (outValues.length > 0 && outValues[outValues.length - 1] === v)
      outWeights[outWeights.length - 1]! += w;
    else {
      outValues.push(v);
      outWeights.push(w);
    }
    total += w;
  }
  if (total <= 0) throw new StatsError('BAD_ARGUMENT', `${name}: the sample is empty (total weight 0)`);
  return { values: outValues, weights: outWeights, total };
}
