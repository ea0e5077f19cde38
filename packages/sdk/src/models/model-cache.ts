import { EdgewiseError } from '../errors.js';
import type { ModelFormat, ModelManifest, Quantization } from './manifest-types.js';
import type { Sha256State } from './sha256-stream.js';
import { isQuotaError, type ModelStorage } from './storage.js';

/** One stored file of a cached model: the model file first, then its external data files. */
export interface CachedFile {
  /** The `location` the model's tensors name; undefined for the model file. */
  path?: string;
  url: string;
  sha256: string;
  bytes: number;
  /** How many chunk records hold it. */
  chunks: number;
  /** Each chunk's SHA-256, recorded as the verified download was stored; absent on older entries. */
  chunkSha256?: string[];
}

/** One cached model (a version's variant, all its files), as `cache.list()` reports it. */
export interface CachedModel {
  /** `name@version#sha256`: a new file under the same version never reuses a stale entry. */
  key: string;
  name: string;
  version: string;
  variantId: string;
  sha256: string;
  /** All files together. */
  bytes: number;
  format: ModelFormat;
  quantization: Quantization;
  url: string;
  storedAt: number;
  lastUsedAt: number;
  /** Absent on entries written before chunked storage: their bytes are one record. */
  files?: CachedFile[];
}

/** A file whose download stopped part way: what is stored and how to go on from there. */
export interface PartialFile {
  key: string;
  /** Which model it is part of (`bytes`: all its files), to report it in usage and evictions. */
  model: Pick<CachedModel, 'name' | 'version' | 'variantId' | 'format' | 'quantization' | 'bytes'>;
  file: number;
  url: string;
  sha256: string;
  bytes: number;
  chunkBytes: number;
  /** Bytes stored, in whole chunks from the start. */
  stored: number;
  /** The SHA-256 state after `stored` bytes; absent once `done`. */
  hash?: Sha256State;
  /** Every byte stored and the digest checked: the model's other files are what is missing. */
  done?: boolean;
  /** The SHA-256 of each chunk stored so far. */
  chunkSha256?: string[];
  /** The ETag or Last-Modified the stored bytes came with, for If-Range. */
  validator?: string;
  updatedAt: number;
}

/** A model whose download stopped part way: `bytes` is what is stored, `total` all its files. */
export interface IncompleteModel extends CachedModel {
  total: number;
}

export interface CachedManifest {
  url: string;
  manifest: ModelManifest;
  savedAt: number;
}

const META = 'meta:';
const CHUNK = 'chunk:';
const PARTIAL = 'partial:';
/** Entries written before chunked storage kept their bytes under this prefix. */
const LEGACY_BYTES = 'bytes:';
const MANIFEST = 'manifest:';

export function cacheKey(name: string, version: string, sha256: string): string {
  return `${name}@${version}#${sha256}`;
}

const chunkKey = (key: string, file: number, index: number) => `${CHUNK}${key}/${file}/${index}`;
const partialKey = (key: string, file: number) => `${PARTIAL}${key}/${file}`;

/** Which entry a chunk or partial record belongs to. */
function ownerOf(storageKey: string, prefix: string): string {
  const rest = storageKey.slice(prefix.length);
  const parts = rest.split('/');
  return parts.slice(0, prefix === CHUNK ? -2 : -1).join('/');
}

/**
 * Model files and the last good manifest in a ModelStorage. A file is stored as chunk records, so a
 * download is saved as it arrives and resumes after a reload, and a load streams it out chunk by
 * chunk; metadata is written last, once every file is complete and verified, so a listed entry is
 * always whole. Listing and LRU bookkeeping never read the (large) chunks.
 */
export class ModelCache {
  constructor(
    private readonly storage: ModelStorage,
    private readonly log: (message: string, details?: Record<string, unknown>) => void,
  ) {}

  async info(key: string): Promise<CachedModel | undefined> {
    return (await this.storage.get(META + key)) as CachedModel | undefined;
  }

  /**
   * The chunks of a complete entry, in order, from chunk `from.index` of file `from.file` on; throws
   * if one is missing (the entry is then dropped).
   */
  async *chunks(
    info: CachedModel,
    from: { file: number; index: number } = { file: 0, index: 0 },
  ): AsyncGenerator<{ file: number; index: number; data: Uint8Array }> {
    if (!info.files) {
      const bytes = await this.storage.get(LEGACY_BYTES + info.key);
      if (!(bytes instanceof Uint8Array)) throw await this.#missing(info, 'its bytes');
      yield { file: 0, index: 0, data: bytes };
      return;
    }
    for (const [file, entry] of info.files.entries()) {
      if (file < from.file) continue;
      for (let index = file === from.file ? from.index : 0; index < entry.chunks; index++) {
        const data = await this.storage.get(chunkKey(info.key, file, index));
        if (!(data instanceof Uint8Array)) throw await this.#missing(info, `chunk ${index} of file ${file}`);
        yield { file, index, data };
      }
    }
  }

  async #missing(info: CachedModel, what: string): Promise<EdgewiseError> {
    this.log('cache entry lost part of its bytes; dropping it', { key: info.key, what });
    await this.remove(info.key).catch(() => undefined);
    return new EdgewiseError(
      'INTEGRITY',
      `The cached copy of ${info.key} lost ${what} (storage was cleared under it); load the model again to download it.`,
      { details: { key: info.key, source: 'cache' } },
    );
  }

  /** Marks an entry used now; LRU eviction goes by this. */
  async touch(info: CachedModel): Promise<void> {
    await this.storage.set(META + info.key, { ...info, lastUsedAt: Date.now() });
  }

  /**
   * Stores one chunk. On QuotaExceededError it evicts the least recently used entry (or abandoned
   * partial download) that is neither this one nor in `protect`, and tries again, until the write
   * fits or nothing is left to evict (QUOTA). `onEvicted` hears of each eviction as it happens.
   */
  async putChunk(
    key: string,
    file: number,
    index: number,
    data: Uint8Array,
    room: { protect: ReadonlySet<string>; onEvicted: (entry: CachedModel) => void; bytes: number },
  ): Promise<void> {
    for (;;) {
      try {
        await this.storage.set(chunkKey(key, file, index), data);
        return;
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        const victim = (await this.evictable(key, room.protect))[0];
        if (!victim) {
          throw new EdgewiseError(
            'QUOTA',
            `No room to store ${key} (${room.bytes} bytes), even after evicting every model not in use; free storage for this site, dispose unused models, or call navigator.storage.persist().`,
            { cause: error, details: { key, bytes: room.bytes } },
          );
        }
        this.log('storage full; evicting the least recently used model', { victim: victim.key, for: key });
        await this.remove(victim.key);
        room.onEvicted(victim);
      }
    }
  }

  /** Lists the entry: every file is stored and verified. Written last, so a listed entry is whole. */
  async commit(info: CachedModel): Promise<void> {
    await this.storage.set(META + info.key, info);
  }

  /** Everything the cache holds: complete entries, and models whose download stopped part way. */
  async holdings(): Promise<{ complete: CachedModel[]; incomplete: IncompleteModel[] }> {
    const [complete, partials] = await Promise.all([this.list(), this.partials()]);
    const listed = new Set(complete.map((e) => e.key));
    const incomplete = new Map<string, IncompleteModel>();
    for (const p of partials) {
      if (listed.has(p.key)) continue;
      const seen = incomplete.get(p.key);
      incomplete.set(p.key, {
        key: p.key,
        ...p.model,
        sha256: p.key.slice(p.key.lastIndexOf('#') + 1),
        url: seen?.url ?? p.url,
        bytes: (seen?.bytes ?? 0) + p.stored,
        total: p.model.bytes,
        storedAt: Math.min(seen?.storedAt ?? p.updatedAt, p.updatedAt),
        lastUsedAt: Math.max(seen?.lastUsedAt ?? 0, p.updatedAt),
      });
    }
    return { complete, incomplete: [...incomplete.values()] };
  }

  /**
   * Entries that may go to make room for `forKey`, least recently used first: complete entries and
   * the stored part of abandoned downloads, never `protect`ed ones.
   */
  async evictable(forKey: string, protect: ReadonlySet<string>): Promise<CachedModel[]> {
    const { complete, incomplete } = await this.holdings();
    return [...complete, ...incomplete]
      .filter((entry) => entry.key !== forKey && !protect.has(entry.key))
      .sort((a, b) => a.lastUsedAt - b.lastUsedAt);
  }

  async readPartial(key: string, file: number): Promise<PartialFile | undefined> {
    return (await this.storage.get(partialKey(key, file))) as PartialFile | undefined;
  }

  async writePartial(partial: PartialFile): Promise<void> {
    await this.storage.set(partialKey(partial.key, partial.file), partial);
  }

  async removePartial(key: string, file: number): Promise<void> {
    await this.storage.del(partialKey(key, file));
  }

  async partials(): Promise<PartialFile[]> {
    const keys = (await this.storage.keys()).filter((k) => k.startsWith(PARTIAL));
    const all = await Promise.all(keys.map((k) => this.storage.get(k) as Promise<PartialFile | undefined>));
    return all.filter((p): p is PartialFile => p !== undefined);
  }

  /** Drops a file's chunks from `fromIndex` on (a download that restarts, or failed its check). */
  async dropChunks(key: string, file: number, fromIndex = 0): Promise<void> {
    const prefix = `${CHUNK}${key}/${file}/`;
    for (const k of await this.storage.keys()) {
      if (k.startsWith(prefix) && Number(k.slice(prefix.length)) >= fromIndex) await this.storage.del(k);
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
    const owned = (await this.storage.keys()).filter(
      (k) =>
        (k.startsWith(CHUNK) && ownerOf(k, CHUNK) === key) ||
        (k.startsWith(PARTIAL) && ownerOf(k, PARTIAL) === key),
    );
    for (const k of owned) await this.storage.del(k);
    await this.storage.del(LEGACY_BYTES + key);
  }

  async readManifest(url: string): Promise<CachedManifest | undefined> {
    return (await this.storage.get(MANIFEST + url)) as CachedManifest | undefined;
  }

  async writeManifest(url: string, manifest: ModelManifest): Promise<void> {
    await this.storage.set(MANIFEST + url, { url, manifest, savedAt: Date.now() } satisfies CachedManifest);
  }

  /** Removes every model, partial download and manifest this cache holds. */
  async clear(): Promise<void> {
    const keys = (await this.storage.keys()).filter((key) =>
      [META, CHUNK, PARTIAL, LEGACY_BYTES, MANIFEST].some((p) => key.startsWith(p)),
    );
    for (const key of keys) await this.storage.del(key);
  }
}
