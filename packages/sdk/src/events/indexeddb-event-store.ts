import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { EdgewiseError } from '../errors.js';
import type { AppendResult, EventStore, StoredEvent } from './event-store.js';
import { orderKey } from './event-store.js';
import type { EdgewiseEvent } from './event-types.js';

// Events live under array keys [ts, counter, id] and the dropped counter under a string key in the
// same object store, so an append and its cap drop commit in one transaction. IndexedDB sorts every
// array after every string, so the range from the empty array [] holds exactly the events.
// (A function, not a constant: importing this module must not touch IndexedDB where there is none.)
const events = (): IDBKeyRange => IDBKeyRange.lowerBound([]);
const DROPPED = 'meta:dropped';

function storageError(error: unknown, action: string): EdgewiseError {
  const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
  return new EdgewiseError(
    quota ? 'QUOTA' : 'INTERNAL',
    quota
      ? `event queue: the browser's storage quota is full while ${action}; free space (e.g. the model cache) or lower maxQueueSize.`
      : `event queue: IndexedDB failed while ${action}: ${error instanceof Error ? error.message : String(error)}.`,
    { cause: error },
  );
}

/** The durable event queue of one origin, in its own IndexedDB database. */
export class IndexedDbEventStore implements EventStore {
  readonly #store: UseStore;

  constructor(dbName = 'edgewise-events') {
    this.#store = createStore(dbName, 'events');
  }

  async append(batch: readonly EdgewiseEvent[], cap: number): Promise<AppendResult> {
    try {
      return await this.#store('readwrite', async (store) => {
        const stored = batch.map((event) => ({ key: orderKey(event), event }));
        for (const entry of stored) store.put(entry.event, entry.key);
        const size = await promisifyRequest(store.count(events()));
        let dropped = 0;
        if (size > cap) {
          dropped = size - cap;
          const keys = await promisifyRequest(store.getAllKeys(events(), dropped));
          for (const key of keys) store.delete(key);
          const before = (await promisifyRequest(store.get(DROPPED))) as number | undefined;
          store.put((before ?? 0) + dropped, DROPPED);
        }
        await promisifyRequest(store.transaction);
        return { stored, dropped, size: size - dropped };
      });
    } catch (error) {
      throw storageError(error, 'saving events');
    }
  }

  async oldest(limit: number): Promise<StoredEvent[]> {
    try {
      return await this.#store('readonly', async (store) => {
        const [keys, values] = await Promise.all([
          promisifyRequest(store.getAllKeys(events(), limit)),
          promisifyRequest(store.getAll(events(), limit)),
        ]);
        return keys.map((key, i) => ({ key, event: values[i] as EdgewiseEvent }));
      });
    } catch (error) {
      throw storageError(error, 'reading events');
    }
  }

  async remove(keys: readonly IDBValidKey[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      await this.#store('readwrite', (store) => {
        for (const key of keys) store.delete(key);
        return promisifyRequest(store.transaction);
      });
    } catch (error) {
      throw storageError(error, 'removing sent events');
    }
  }

  async size(): Promise<number> {
    return this.#store('readonly', (store) => promisifyRequest(store.count(events())));
  }

  async droppedCount(): Promise<number> {
    const value = await this.#store('readonly', (store) => promisifyRequest(store.get(DROPPED)));
    return (value as number | undefined) ?? 0;
  }
}
