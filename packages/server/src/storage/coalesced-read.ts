/**
 * Wraps a read so callers that ask for the same key within one turn of the event loop share one
 * call. The call starts only after all of them asked (on setImmediate), never before, so each still
 * sees every write that finished before it asked: what it would have seen reading on its own.
 */
export function coalescedRead<K, T>(read: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const waiting = new Map<K, Promise<T>>();
  return (key) => {
    let shared = waiting.get(key);
    if (!shared) {
      shared = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        waiting.delete(key);
        return read(key);
      });
      waiting.set(key, shared);
    }
    return shared;
  };
}
