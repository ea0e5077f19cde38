import { EdgewiseError } from '../errors.js';
import { download } from './download.js';
import type { Emitter } from './events.js';
import type { CachedModel, ModelCache } from './model-cache.js';
import type { LoadProgress } from './progress.js';
import type { RetryPolicy } from './retry.js';
import { sha256Hex } from './sha256.js';
import type { FetchedModel, LoadOptions, Log, ResolvedModel } from './store-types.js';

export interface DeliveryContext {
  cache: ModelCache;
  events: Emitter;
  log: Log;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Cache keys the app holds; eviction never picks them. */
  inUse: Set<string>;
}

/**
 * Gets one resolved file's verified bytes: from the cache when it holds a copy whose sha256 still
 * matches, else from the network — checked before anything else sees it — and then into the cache.
 */
export class Delivery {
  constructor(private readonly context: DeliveryContext) {}

  /** Cached and verified bytes, else downloaded, verified and cached ones. */
  async deliver(
    resolved: ResolvedModel,
    manifestSource: 'network' | 'cache',
    options: LoadOptions,
    progress: LoadProgress,
    mode: 'use' | 'prefetch',
  ): Promise<FetchedModel> {
    const hit = await this.fromCache(resolved, manifestSource, progress, mode);
    if (hit) return hit;
    const { artifact, url } = resolved;
    const bytes = await download(url, {
      bytes: artifact.bytes,
      fetch: this.context.fetch,
      log: this.context.log,
      progress: progress.phase('download', artifact.bytes),
      ...this.context.retry,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const verify = progress.phase('verify', artifact.bytes);
    verify.report(0);
    const actual = await sha256Hex(bytes);
    if (actual !== artifact.sha256) {
      const error = new EdgewiseError(
        'INTEGRITY',
        `${resolved.name}@${resolved.version} ('${resolved.variantId}') from ${url} has sha256 ${actual}, but the manifest says ${artifact.sha256}; it was not used. The file was corrupted or tampered with on the way: republish it or check the server and CDN.`,
        {
          details: { name: resolved.name, version: resolved.version, url, expected: artifact.sha256, actual },
        },
      );
      this.context.events.emit('integrity-failed', {
        source: 'network',
        url,
        name: resolved.name,
        version: resolved.version,
        variantId: resolved.variantId,
        expected: artifact.sha256,
        actual,
        error,
      });
      throw error;
    }
    verify.done();
    const cached = await this.save(resolved, bytes, mode === 'prefetch');
    if (mode === 'use') this.context.inUse.add(resolved.cacheKey);
    return { ...resolved, bytes, source: 'network', manifestSource, cached };
  }

  /** The cached bytes if present and their sha256 matches; a corrupt entry is dropped. */
  async fromCache(
    resolved: ResolvedModel,
    manifestSource: 'network' | 'cache',
    progress: LoadProgress,
    mode: 'use' | 'prefetch',
  ): Promise<FetchedModel | undefined> {
    const { cacheKey: key, artifact } = resolved;
    const hit = await this.context.cache.read(key).catch((error: unknown) => {
      this.context.log('cache unreadable; fetching from the network', { key, error: String(error) });
      return undefined;
    });
    if (!hit) return undefined;
    const verify = progress.phase('verify', artifact.bytes);
    verify.report(0);
    const actual = await sha256Hex(hit.bytes);
    if (actual !== artifact.sha256) {
      this.context.log('cached model failed its sha256 check; dropping it and fetching again', {
        key,
        actual,
      });
      this.context.events.emit('integrity-failed', {
        source: 'cache',
        url: resolved.url,
        name: resolved.name,
        version: resolved.version,
        variantId: resolved.variantId,
        expected: artifact.sha256,
        actual,
      });
      await this.context.cache.remove(key).catch((error: unknown) => {
        this.context.log('could not drop the corrupt cache entry', { key, error: String(error) });
      });
      return undefined;
    }
    verify.done();
    await this.context.cache.touch(hit.info).catch((error: unknown) => {
      this.context.log('could not record the cache hit for LRU', { key, error: String(error) });
    });
    if (mode === 'use') this.context.inUse.add(key);
    return { ...resolved, bytes: hit.bytes, source: 'cache', manifestSource, cached: true };
  }

  /** Caches verified bytes; false when storage refused (and `strict` is off). */
  private async save(resolved: ResolvedModel, bytes: Uint8Array, strict: boolean): Promise<boolean> {
    const { artifact } = resolved;
    const now = Date.now();
    const info: CachedModel = {
      key: resolved.cacheKey,
      name: resolved.name,
      version: resolved.version,
      variantId: resolved.variantId,
      sha256: artifact.sha256,
      bytes: artifact.bytes,
      format: artifact.format,
      quantization: artifact.quantization,
      url: resolved.url,
      storedAt: now,
      lastUsedAt: now,
    };
    try {
      await this.context.cache.write(info, bytes, new Set(this.context.inUse), (entry) =>
        this.context.events.emit('evicted', { entry, for: info.key, reason: 'quota' }),
      );
      return true;
    } catch (error) {
      if (strict) {
        if (error instanceof EdgewiseError) throw error;
        throw new EdgewiseError('INTERNAL', `Storage refused to cache ${info.key}: ${String(error)}.`, {
          cause: error,
        });
      }
      this.context.log('model not cached; it is used from memory this time', {
        key: info.key,
        error: String(error),
      });
      return false;
    }
  }
}
