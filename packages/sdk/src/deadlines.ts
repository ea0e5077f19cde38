interface Waiting {
  at: number;
  expire(): void;
}

/**
 * Bounds many waits with one timer. A prediction takes well under a millisecond on small models, and
 * a timer armed and cleared per call was a measurable share of it (setTimeout alone, ~9 µs a call in
 * Chromium's profile); here a call only adds its deadline to a map and removes it when it settles, and
 * the one timer is re-armed only for a deadline earlier than the one it waits for.
 */
export class Deadlines {
  readonly #waiting = new Map<number, Waiting>();
  #next = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Settles as `work` does, or rejects with `onTimeout()` after `ms`; the work itself is not cancelled. */
  bound<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
    if (!(ms > 0) || !Number.isFinite(ms)) return work;
    return new Promise<T>((resolve, reject) => {
      const id = ++this.#next;
      const at = Date.now() + ms;
      this.#waiting.set(id, { at, expire: () => reject(onTimeout()) });
      if (at < this.#armedFor) this.#arm(at);
      work.then(
        (value) => {
          this.#waiting.delete(id);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiting.delete(id);
          reject(error);
        },
      );
    });
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - Date.now()));
    // In Node a pending deadline must not keep the process alive on its own.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, waiting] of this.#waiting) {
      if (waiting.at <= now) {
        this.#waiting.delete(id);
        waiting.expire();
      } else if (waiting.at < next) {
        next = waiting.at;
      }
    }
    if (next < Number.POSITIVE_INFINITY) this.#arm(next);
  }

  /** Waits not yet settled or expired (for tests). */
  get size(): number {
    return this.#waiting.size;
  }
}
