import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

/**
 * The key-value store the model cache writes to. The default is IndexedDB through idb-keyval; a test
 * or an app may wrap it (to simulate a full disk, or to count writes) — the cache logic stays the same.
 */
export interface ModelStorage {
  get(key: string): Promise<unknown>;
  /**
   * Stores a copy of `value`, taken by the time the returned promise settles (IndexedDB's put()
   * clones it): the caller may then reuse its buffer. Rejects with a DOMException named 'QuotaExceededError' when the
   * origin is out of space.
   */
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/**
 * IndexedDB storage in database `cacheName`, object store 'entries'.
 *
 * @example
 * const storage = idbStorage('my-app-models');
 * new ModelStore({ manifestUrl: '/models/manifest.json', storage });
 */
export function idbStorage(cacheName = 'edgewise-models'): ModelStorage {
  let store: UseStore | undefined;
  // Opened on first use, so constructing a ModelStore never touches IndexedDB.
  const db = (): UseStore => {
    store ??= createStore(cacheName, 'entries');
    return store;
  };
  return {
    get: (key) => get(key, db()),
    set: (key, value) => set(key, value, db()),
    del: (key) => del(key, db()),
    keys: async () => (await keys(db())).filter((key): key is string => typeof key === 'string'),
  };
}

/**
 * Models kept in memory for this process only: where there is no IndexedDB (Node, edge runtimes).
 * A cache hit still skips the network and is still checked against its sha256.
 */
export function memoryStorage(): ModelStorage {
  const entries = new Map<string, unknown>();
  return {
    get: async (key) => entries.get(key),
    set: async (key, value) => {
      entries.set(key, value instanceof Uint8Array ? value.slice() : value);
    },
    del: async (key) => {
      entries.delete(key);
    },
    keys: async () => [...entries.keys()],
  };
}

/** The persistent store where there is one, else memory. */
export function defaultStorage(cacheName?: string): ModelStorage {
  return typeof indexedDB === 'undefined' ? memoryStorage() : idbStorage(cacheName);
}

/** True for the ways browsers say "out of storage". */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
