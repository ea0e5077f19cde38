import type { Timers } from '../../src/events/event-queue-options.js';

/** Timers that fire only when the test says so, and report the delays the queue asked for. */
export class ManualTimers implements Timers {
  readonly #pending = new Map<number, { callback: () => unknown; ms: number }>();
  #next = 1;

  setTimeout(callback: () => unknown, ms: number): number {
    const id = this.#next++;
    this.#pending.set(id, { callback, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Delays of the timers waiting now. */
  delays(): number[] {
    return [...this.#pending.values()].map((t) => t.ms);
  }

  /** Fires every waiting timer and waits for the flushes they start. */
  async fireAll(): Promise<void> {
    const due = [...this.#pending.values()];
    this.#pending.clear();
    await Promise.all(due.map((t) => t.callback()));
  }
}
