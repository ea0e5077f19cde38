import { EdgewiseError } from '../errors.js';
import type { ModelFormat, ModelManifest, Quantization } from './manifest-types.js';
import { isQuotaError, type ModelStorage } from './storage.js';

/** One cached model file, as `cache.list()` reports it. */
export interface CachedModel {
  /** `name@version#sha256`: a new file under the same version never reuses a stale entry. */
  key: string;
  name: string;
  version: string;
  variantId: string;
  sha256: string;
  bytes: number;
  format: ModelFormat;
  quantization: Quantization;
  url: string;
  storedAt: number;
  lastUsedAt: number;
}

export interface CachedManifest {
  url: string;
  manifest: ModelManifest;
  savedAt: number;
}

const META = 'meta:';
const BYTES = 'bytes:';
const MANIFEST = 'manifest:';

export function cacheKey(name: string, version: string, sha256: string): string {
  return `${name}@${version}#${sha256}`;
}

/**
 * Model files and the last good manifest in a ModelStorage. Metadata and bytes are separate records
 * so listing and LRU bookkeeping never read the (large) bytes.
 */
export class ModelCache {
  constructor(
    private readonly storage: ModelStorage,
    private readonly log: (message: string, details?: Record<string, unknown>) => void,
  ) {}

  async read(key: string): Promise<{ info: CachedModel; bytes: Uint8Array } | undefined> {
    const info = (await this.storage.get(META + key)) as CachedModel | undefined;
    if (!info) return undefined;
    const bytes = await this.storage.get(BYTES + key);
    if (!(bytes instanceof Uint8Array)) {
      this.log('cache entry had metadata but no bytes; dropping it', { key });
      await this.remove(key);
      return undefined;
    }
    return { info, bytes };
  }

  /** Marks an entry used now; LRU eviction goes by this. */
  async touch(info: CachedModel): Promise<void> {
    await this.storage.set(META + info.key, { ...info, lastUsedAt: Date.now() });
  }

  /**
   * Stores a file. On QuotaExceededError it evicts the least recently used entry that is neither this
   * one nor in `protect`, and tries again, until the write fits or nothing is left to evict (QUOTA).
   * `onEvicted` hears of each eviction as it happens, even when the write still fails.
   */
  async write(
    info: CachedModel,
    bytes: Uint8Array,
    protect: ReadonlySet<string>,
    onEvicted: (entry: CachedModel) => void,
  ): Promise<void> {
    const evicted: CachedModel[] = [];
    for (;;) {
      try {
        await this.storage.set(BYTES + info.key, bytes);
        await this.storage.set(META + info.key, info);
        return;
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        const victim = (await this.list())
          .filter((entry) => entry.key !== info.key && !protect.has(entry.key))
          .sort((a, b) => a.lastUsedAt - b.lastUsedAt)[0];
        if (!victim) {
          await this.remove(info.key);
          throw new EdgewiseError(
            'QUOTA',
            `No room to cache ${info.key} (${info.bytes} bytes), even after evicting every model not in use; free storage for this site, dispose unused models, or call navigator.storage.persist().`,
            {
              cause: error,
              details: { key: info.key, bytes: info.bytes, evicted: evicted.map((e) => e.key) },
            },
          );
        }
        this.log('storage full; evicting the least recently used model', {
          victim: victim.key,
          for: info.key,
        });
        await this.remove(victim.key);
        evicted.push(victim);
        onEvicted(victim);
      }
    }
  }

  async list(): Promise<CachedModel[]> {
    const keys = (await this.storage.keys()).filter((key) => key.startsWith(META));
    const infos = await Promise.all(
      keys.map((key) => this.storage.get(key) as Promise<CachedModel | undefined>),
    );
    return infos.filter((info): info is CachedModel => info !== undefined);
  }

  async remove(key: string): Promise<void> {
    // Metadata first: a half-removed entry is then invisible rather than listed without bytes.
    await this.storage.del(META + key);
    await this.storage.del(BYTES + key);
  }

  async readManifest(url: string): Promise<CachedManifest | undefined> {
    return (await this.storage.get(MANIFEST + url)) as CachedManifest | undefined;
  }

  async writeManifest(url: string, manifest: ModelManifest): Promise<void> {
    await this.storage.set(MANIFEST + url, { url, manifest, savedAt: Date.now() } satisfies CachedManifest);
  }

  /** Removes every model and manifest this cache holds. */
  async clear(): Promise<void> {
    const keys = (await this.storage.keys()).filter((key) =>
      [META, BYTES, MANIFEST].some((p) => key.startsWith(p)),
    );
    for (const key of keys) await this.storage.del(key);
  }
}
