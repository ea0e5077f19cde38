import { requireArray, requireUnit } from '../validate.js';

function checkPValues(pValues: unknown): number[] {
  return requireArray('pValues', pValues, 1).map((p, i) => requireUnit(`pValues[${i}]`, p));
}

/**
 * Holm–Bonferroni step-down adjustment (family-wise error rate). Returns adjusted p-values in
 * the input order, as statsmodels `multipletests(method='holm')`; reject where adjusted < alpha.
 *
 * @example holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 */
export function holm(pValues: number[]): number[] {
  const p = checkPValues(pValues);
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]!));
    adjusted[idx] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (false discovery rate). Returns adjusted p-values in the
 * input order, as statsmodels `multipletests(method='fdr_bh')`.
 *
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const p = checkPValues(pValues);
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((idx, k) => {
    const rank = m - k; // 1-based rank in ascending order
    running = Math.min(running, (m / rank) * p[idx]!);
    adjusted[idx] = running;
  });
  return adjusted;
}
