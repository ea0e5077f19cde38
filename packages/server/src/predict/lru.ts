/** A bounded map that forgets the least recently used entry; `onEvict` releases what it held. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const evicted = this.map.get(oldest.value) as V;
      this.map.delete(oldest.value);
      this.onEvict?.(evicted);
    }
  }

  /** Removes without calling onEvict: for entries that never became usable. */
  delete(key: K): void {
    this.map.delete(key);
  }

  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  clear(): void {
    for (const v of this.map.values()) this.onEvict?.(v);
    this.map.clear();
  }
}
