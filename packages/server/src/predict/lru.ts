/**
 * A bounded map that forgets the least recently used entry; `onEvict` releases what it held.
 * Bounded by count and, when `weigh` is given, by total weight (bytes): a client picks what gets
 * cached, so a count alone lets a few large entries exhaust the heap.
 */
export class Lru<K, V> {
  private readonly map = new Map<K, { value: V; weight: number }>();
  private total = 0;
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V) => void,
    private readonly weights?: { max: number; weigh: (value: V) => number },
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The summed weight of what is held (0 without `weigh`). */
  get weight(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.remove(key);
    const weight = this.weights?.weigh(value) ?? 0;
    // Larger than the whole budget: keeping it would evict everything else for one entry.
    if (this.weights && weight > this.weights.max) {
      this.onEvict?.(value);
      return;
    }
    this.map.set(key, { value, weight });
    this.total += weight;
    while (this.map.size > this.capacity || (this.weights && this.total > this.weights.max)) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const evicted = this.remove(oldest.value) as V;
      this.onEvict?.(evicted);
    }
  }

  private remove(key: K): V | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    this.total -= entry.weight;
    return entry.value;
  }

  /** Removes without calling onEvict: for entries that never became usable. */
  delete(key: K): void {
    this.remove(key);
  }

  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  *values(): IterableIterator<V> {
    for (const entry of this.map.values()) yield entry.value;
  }

  clear(): void {
    for (const entry of this.map.values()) this.onEvict?.(entry.value);
    this.map.clear();
    this.total = 0;
  }
}
