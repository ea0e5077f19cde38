import { createStore, del, get, set, type UseStore, update } from 'idb-keyval';

/** The few verbs assignment state needs; IndexedDB in browsers, memory where there is none. */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Reads, changes and writes one key in a single transaction, so concurrent tabs do not lose updates. */
  update<T>(key: string, updater: (old: T | undefined) => T): Promise<void>;
  del(key: string): Promise<void>;
}

/** A key-value store in its own IndexedDB database (idb-keyval creates it on first use). */
export function indexedDbKeyValueStore(dbName: string, storeName = 'keyval'): KeyValueStore {
  const store: UseStore = createStore(dbName, storeName);
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    update: (key, updater) => update(key, updater, store),
    del: (key) => del(key, store),
  };
}

/** Same semantics in memory (values are cloned as IndexedDB would), for Node, SSR and edge runtimes. */
export function memoryKeyValueStore(): KeyValueStore {
  const data = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => structuredClone(data.get(key)) as T | undefined,
    set: async (key, value) => void data.set(key, structuredClone(value)),
    update: async <T>(key: string, updater: (old: T | undefined) => T) =>
      void data.set(key, structuredClone(updater(structuredClone(data.get(key)) as T | undefined))),
    del: async (key) => void data.delete(key),
  };
}

/** IndexedDB when the environment has it, else memory (state then lasts only as long as the process). */
export function defaultKeyValueStore(dbName: string): KeyValueStore {
  return typeof indexedDB === 'undefined' ? memoryKeyValueStore() : indexedDbKeyValueStore(dbName);
}
