import { badArgument, requireArray, requireFinite, requirePositive } from '../validate.js';
import { ipsFromTotals } from './ips-from-sums.js';

/** One logged decision: the arm served, the probability it had of being served, and its reward. */
export interface LoggedDecision {
  arm: string;
  reward: number;
  /** Probability the logging policy gave this arm at decision time (the event's `probability`). */
  propensity: number;
}

export interface IpsResult {
  /** Inverse-propensity (Horvitz–Thompson) estimate of the target policy's mean reward; unbiased. */
  value: number;
  /** Standard error of `value`. */
  standardError: number;
  /** Self-normalized estimate Σ w r / Σ w: slightly biased, often much less variable. */
  selfNormalized: number;
  /** (Σ w)² / Σ w²: how many logged decisions the estimate is effectively worth. */
  effectiveSampleSize: number;
  n: number;
}

/**
 * Off-policy value of a target policy from logged decisions and their logged propensities:
 * V̂ = (1/n) Σ r_i · π(a_i) / p_i. Needs every arm the target can choose to have had p > 0
 * when logged — which a bandit `minWeight` guarantees.
 *
 * @example
 * ipsEstimate(
 *   [{ arm: 'a', reward: 1, propensity: 0.5 }, { arm: 'b', reward: 0, propensity: 0.5 }],
 *   { a: 1, b: 0 },   // "always serve a"
 * ); // { value: 1, ... }
 */
export function ipsEstimate(
  logs: LoggedDecision[],
  target: Record<string, number> | ((entry: LoggedDecision) => number),
  options: { maxWeight?: number } = {},
): IpsResult {
  const list = requireArray('logs', logs, 1) as LoggedDecision[];
  const cap =
    options.maxWeight === undefined
      ? Number.POSITIVE_INFINITY
      : requirePositive('maxWeight', options.maxWeight);
  const prob = typeof target === 'function' ? target : (e: LoggedDecision) => target[e.arm] ?? 0;
  let sumW = 0;
  let sumW2 = 0;
  let sumWR = 0;
  let sumWR2 = 0;
  list.forEach((e, i) => {
    const p = requireFinite(`logs[${i}].propensity`, e?.propensity);
    if (!(p > 0 && p <= 1)) badArgument(`logs[${i}].propensity must be in (0, 1], got ${p}`);
    const r = requireFinite(`logs[${i}].reward`, e.reward);
    const pi = prob(e);
    if (!(pi >= 0 && pi <= 1))
      badArgument(`target probability for arm '${e.arm}' must be in [0, 1], got ${pi}`);
    const w = Math.min(cap, pi / p);
    sumW += w;
    sumW2 += w * w;
    sumWR += w * r;
    sumWR2 += (w * r) ** 2;
  });
  return ipsFromTotals(list.length, sumW, sumW2, sumWR, sumWR2);
}
