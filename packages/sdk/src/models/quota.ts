import { EdgewiseError } from '../errors.js';
import type { CachedFile, CachedModel, ModelCache } from './model-cache.js';

export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

/** navigator.storage.estimate(), or undefined where the platform has none (Node, old browsers). */
export async function browserEstimate(): Promise<StorageEstimate | undefined> {
  const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimate> } } })
    .navigator?.storage;
  if (typeof storage?.estimate !== 'function') return undefined;
  return storage.estimate().catch(() => undefined);
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/**
 * Before a download starts: whether the bytes still missing fit in this origin's quota. When they do
 * not, the least recently used models not in use (and abandoned partial downloads) are evicted until
 * they do; when even evicting all of those would not make room, nothing is evicted and QUOTA says how
 * much space is needed — before a single byte is downloaded.
 */
export async function ensureRoom(request: {
  cache: ModelCache;
  key: string;
  files: Omit<CachedFile, 'chunks'>[];
  protect: ReadonlySet<string>;
  estimate: () => Promise<StorageEstimate | undefined>;
  /** The app's budget for the whole cache, if it set one. */
  maxBytes?: number;
  onEvicted: (entry: CachedModel) => void;
  log: (message: string, details?: Record<string, unknown>) => void;
}): Promise<void> {
  const estimate = await request.estimate();
  const browser =
    estimate?.quota !== undefined && estimate.usage !== undefined
      ? { quota: estimate.quota, usage: estimate.usage }
      : undefined;
  if (!browser && request.maxBytes === undefined) return;
  let stored = 0;
  for (const index of request.files.keys()) {
    stored += (await request.cache.readPartial(request.key, index))?.stored ?? 0;
  }
  const needed = request.files.reduce((sum, f) => sum + f.bytes, 0) - stored;
  const holdings = request.maxBytes === undefined ? undefined : await request.cache.holdings();
  const cacheBytes = [...(holdings?.complete ?? []), ...(holdings?.incomplete ?? [])].reduce(
    (sum, e) => sum + e.bytes,
    0,
  );
  const limits = [
    ...(browser ? [{ quota: browser.quota, usage: browser.usage, what: 'quota' }] : []),
    ...(request.maxBytes !== undefined
      ? [{ quota: request.maxBytes, usage: cacheBytes, what: 'maxBytes' }]
      : []),
  ];
  const tightest = limits
    .map((l) => ({ ...l, free: Math.max(0, l.quota - l.usage) }))
    .sort((a, b) => a.free - b.free)[0]!;
  const free = tightest.free;
  if (needed <= free) return;
  const candidates = await request.cache.evictable(request.key, request.protect);
  const evictableBytes = candidates.reduce((sum, e) => sum + e.bytes, 0);
  if (free + evictableBytes < needed) {
    throw new EdgewiseError(
      'QUOTA',
      `${request.key} needs ${mb(needed)} more storage, but ${tightest.what === 'maxBytes' ? 'the model cache (maxBytes)' : 'this site'} has ${mb(free)} free of its ${mb(tightest.quota)} ${tightest.what === 'maxBytes' ? 'budget' : 'quota'}${evictableBytes > 0 ? ` and evicting every cached model not in use would free only ${mb(evictableBytes)}` : ''}; nothing was downloaded. Free ${mb(needed - free - evictableBytes)} (dispose models, clear this site's storage, or call navigator.storage.persist() for a larger quota), or load a smaller variant.`,
      {
        details: {
          key: request.key,
          needed,
          free,
          quota: tightest.quota,
          usage: tightest.usage,
          limit: tightest.what,
          evictable: evictableBytes,
        },
      },
    );
  }
  // The estimate lags behind deletes in some browsers, so room is counted by what was evicted.
  let freed = 0;
  for (const victim of candidates) {
    if (free + freed >= needed) break;
    request.log('not enough storage for the download; evicting the least recently used model', {
      victim: victim.key,
      for: request.key,
      needed,
      free,
    });
    await request.cache.remove(victim.key);
    freed += victim.bytes;
    request.onEvicted(victim);
  }
}
