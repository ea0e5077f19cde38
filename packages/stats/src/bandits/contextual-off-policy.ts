import { normalIsf } from '../special/normal.js';
import type { Interval } from '../types.js';
import { badArgument, requireArray, requireFinite, requireUnit } from '../validate.js';

/** One logged decision with the context class it was made in. */
export interface ContextualDecision {
  context: string;
  arm: string;
  reward: number;
  /** Probability the logging policy gave this arm in this context at decision time. */
  propensity: number;
}

/** A target policy: the probability of each arm in a context (arms left out get 0). */
export type ContextualPolicy = (context: string) => Record<string, number>;

export interface OffPolicyValue {
  value: number;
  standardError: number;
  /** Normal-approximation interval at `1 − alpha`. */
  interval: Interval;
}

export interface ContextualOpeResult {
  /** Inverse propensity scoring: (1/n) Σ π(a_i|x_i)/p_i · r_i. Unbiased; high variance. */
  ips: OffPolicyValue;
  /**
   * Doubly robust: (1/n) Σ [ Σ_a π(a|x_i) q̂(x_i, a) + π(a_i|x_i)/p_i · (r_i − q̂(x_i, a_i)) ], with
   * q̂ the mean reward per (context, arm), cross-fitted (each half of the log scored by a model fitted
   * on the other half) so a decision never corrects its own prediction. Unbiased when either the
   * propensities or q̂ are right, and far less variable than IPS when q̂ is good.
   */
  doublyRobust: OffPolicyValue;
  n: number;
  /** Σw² / … as in ipsEstimate: how many decisions the IPS estimate is worth. */
  effectiveSampleSize: number;
}

type Cells = Map<string, { n: number; sum: number }>;
const cellKey = (context: string, arm: string) => `${context}\u0000${arm}`;

function fit(logs: readonly ContextualDecision[], keep: (i: number) => boolean): Cells {
  const cells: Cells = new Map();
  logs.forEach((d, i) => {
    if (!keep(i)) return;
    const key = cellKey(d.context, d.arm);
    const cell = cells.get(key) ?? { n: 0, sum: 0 };
    cell.n++;
    cell.sum += d.reward;
    cells.set(key, cell);
  });
  return cells;
}

/** q̂(x, a): the cell's mean, else the arm's mean over contexts, else the log's mean. */
function predictor(cells: Cells, fallback: number): (context: string, arm: string) => number {
  const byArm = new Map<string, { n: number; sum: number }>();
  for (const [key, cell] of cells) {
    const arm = key.slice(key.indexOf('\u0000') + 1);
    const a = byArm.get(arm) ?? { n: 0, sum: 0 };
    a.n += cell.n;
    a.sum += cell.sum;
    byArm.set(arm, a);
  }
  return (context, arm) => {
    const cell = cells.get(cellKey(context, arm));
    if (cell && cell.n > 0) return cell.sum / cell.n;
    const a = byArm.get(arm);
    return a && a.n > 0 ? a.sum / a.n : fallback;
  };
}

function summarize(terms: number[], z: number): OffPolicyValue {
  const n = terms.length;
  const value = terms.reduce((s, t) => s + t, 0) / n;
  const variance = n > 1 ? terms.reduce((s, t) => s + (t - value) ** 2, 0) / (n - 1) : 0;
  const standardError = Math.sqrt(variance / n);
  return { value, standardError, interval: [value - z * standardError, value + z * standardError] };
}

/**
 * What a candidate policy would have earned on logged contextual decisions (e.g. "int8 everywhere",
 * or "fp16 on WebGPU, int8 elsewhere"), by IPS and doubly robust estimators with intervals. Needs
 * every (context, arm) the target plays to have had a positive logged propensity: a bandit's
 * `minWeight` guarantees it.
 *
 * @example
 * contextualOffPolicy(logs, (context) => (context.startsWith('webgpu') ? { fp16: 1 } : { int8: 1 }));
 */
export function contextualOffPolicy(
  logs: readonly ContextualDecision[],
  target: ContextualPolicy,
  options: { alpha?: number } = {},
): ContextualOpeResult {
  const list = requireArray('logs', logs, 2) as ContextualDecision[];
  const alpha = requireUnit('alpha', options.alpha ?? 0.05);
  const z = normalIsf(alpha / 2);
  list.forEach((d, i) => {
    if (typeof d?.context !== 'string' || typeof d.arm !== 'string')
      badArgument(`logs[${i}] must have a string context and arm`);
    const p = requireFinite(`logs[${i}].propensity`, d.propensity);
    if (!(p > 0 && p <= 1)) badArgument(`logs[${i}].propensity must be in (0, 1], got ${p}`);
    requireFinite(`logs[${i}].reward`, d.reward);
  });
  const policies = new Map<string, Record<string, number>>();
  const policyOf = (context: string) => {
    let p = policies.get(context);
    if (!p) {
      p = target(context);
      const total = Object.values(p).reduce((s, v) => s + v, 0);
      if (Object.values(p).some((v) => !(v >= 0)) || Math.abs(total - 1) > 1e-9)
        badArgument(`the target policy's probabilities for context '${context}' must be ≥ 0 and sum to 1`);
      policies.set(context, p);
    }
    return p;
  };
  const mean = list.reduce((s, d) => s + d.reward, 0) / list.length;
  const folds = [0, 1].map((f) =>
    predictor(
      fit(list, (i) => i % 2 !== f),
      mean,
    ),
  );
  const ips: number[] = [];
  const dr: number[] = [];
  let sumW = 0;
  let sumW2 = 0;
  list.forEach((d, i) => {
    const pi = policyOf(d.context);
    const w = (pi[d.arm] ?? 0) / d.propensity;
    sumW += w;
    sumW2 += w * w;
    const q = folds[i % 2]!;
    let direct = 0;
    for (const [arm, p] of Object.entries(pi)) if (p > 0) direct += p * q(d.context, arm);
    ips.push(w * d.reward);
    dr.push(direct + w * (d.reward - q(d.context, d.arm)));
  });
  return {
    ips: summarize(ips, z),
    doublyRobust: summarize(dr, z),
    n: list.length,
    effectiveSampleSize: sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
  };
}
