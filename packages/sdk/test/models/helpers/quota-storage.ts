import type { ModelStorage } from '../../../src/models/storage.js';

/**
 * Wraps a real storage so `set` fails with a QuotaExceededError DOMException whenever the model bytes
 * stored would pass `budget` — the way a browser answers when the origin's quota is used up. Only
 * the failure is simulated; what the cache does about it is the real code.
 */
export async function withByteBudget(
  inner: ModelStorage,
  budget: number,
): Promise<ModelStorage & { used(): number; refusals: number }> {
  const sizes = new Map<string, number>();
  for (const key of await inner.keys()) {
    const value = await inner.get(key);
    if (value instanceof Uint8Array) sizes.set(key, value.byteLength);
  }
  const used = () => [...sizes.values()].reduce((a, b) => a + b, 0);
  const storage = {
    refusals: 0,
    used,
    get: (key: string) => inner.get(key),
    keys: () => inner.keys(),
    async set(key: string, value: unknown) {
      const size = value instanceof Uint8Array ? value.byteLength : 0;
      if (used() - (sizes.get(key) ?? 0) + size > budget) {
        storage.refusals++;
        throw new DOMException(`simulated: ${key} does not fit in ${budget} bytes`, 'QuotaExceededError');
      }
      await inner.set(key, value);
      if (size > 0) sizes.set(key, size);
    },
    async del(key: string) {
      await inner.del(key);
      sizes.delete(key);
    },
  };
  return storage;
}
