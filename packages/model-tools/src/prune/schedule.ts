/**
 * The gradual pruning schedule of Zhu & Gupta (2017), "To prune, or not to prune":
 * s_t = s_f + (s_i − s_f)(1 − t/n)³ for t = 1…n, so pruning is fast at first and gentle near the end.
 *
 * @example
 * polynomialSchedule(0.8, 4) // [0.4625, 0.7, 0.7875, 0.8]
 */
export function polynomialSchedule(finalSparsity: number, steps: number, initialSparsity = 0): number[] {
  return Array.from({ length: steps }, (_, i) => {
    const t = i + 1;
    return finalSparsity + (initialSparsity - finalSparsity) * (1 - t / steps) ** 3;
  });
}
