import type { EdgewiseEvent } from './event-types.js';

/** An event as kept in a store; `key` orders it (oldest first) and is what `remove` takes. */
export interface StoredEvent {
  key: IDBValidKey;
  event: EdgewiseEvent;
}

export interface AppendResult {
  /** The appended events with their keys, in order. */
  stored: StoredEvent[];
  /** Oldest events deleted to stay within the cap by this append. */
  dropped: number;
  /** Events in the store after the append. */
  size: number;
}

/** Durable FIFO of unsent events. Implementations: IndexedDB (browsers) and memory (elsewhere). */
export interface EventStore {
  /** Adds events; past `cap`, deletes the oldest and adds them to the persistent dropped count. */
  append(events: readonly EdgewiseEvent[], cap: number): Promise<AppendResult>;
  /** Up to `limit` events, oldest first. */
  oldest(limit: number): Promise<StoredEvent[]>;
  remove(keys: readonly IDBValidKey[]): Promise<void>;
  size(): Promise<number>;
  /** Events ever dropped for the cap, across reloads. */
  droppedCount(): Promise<number>;
}

/** Order key: time first, then a per-page counter, then the id so two tabs never collide. */
let counter = 0;
export function orderKey(event: EdgewiseEvent): [number, number, string] {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return [Date.now(), counter, event.id];
}

/** The same contract in memory, for Node, SSR and edge runtimes without IndexedDB (no persistence). */
export class MemoryEventStore implements EventStore {
  #events: { key: [number, number, string]; event: EdgewiseEvent }[] = [];
  #dropped = 0;

  async append(events: readonly EdgewiseEvent[], cap: number): Promise<AppendResult> {
    const stored = events.map((event) => ({ key: orderKey(event), event: structuredClone(event) }));
    this.#events.push(...stored);
    const dropped = Math.max(0, this.#events.length - cap);
    this.#events.splice(0, dropped);
    this.#dropped += dropped;
    return { stored, dropped, size: this.#events.length };
  }

  async oldest(limit: number): Promise<StoredEvent[]> {
    return this.#events
      .slice(0, limit)
      .map((entry) => ({ key: entry.key, event: structuredClone(entry.event) }));
  }

  async remove(keys: readonly IDBValidKey[]): Promise<void> {
    const gone = new Set(keys.map((key) => (key as [number, number, string])[2]));
    this.#events = this.#events.filter((entry) => !gone.has(entry.key[2]));
  }

  async size(): Promise<number> {
    return this.#events.length;
  }

  async droppedCount(): Promise<number> {
    return this.#dropped;
  }
}
