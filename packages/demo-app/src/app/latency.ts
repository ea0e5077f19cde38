/** The median of the last `size` latencies: steadier than a mean when one run hits a GC pause. */
export class RollingMedian {
  readonly #values: number[] = [];
  constructor(readonly size = 20) {}

  add(ms: number): void {
    this.#values.push(ms);
    if (this.#values.length > this.size) this.#values.shift();
  }

  get count(): number {
    return this.#values.length;
  }

  get median(): number | undefined {
    if (this.#values.length === 0) return undefined;
    const sorted = [...this.#values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }
}
