import { EdgewiseError } from '../errors.js';
import type { ModelContent } from '../inference/model-content.js';
import { DEFAULT_CHUNK_BYTES, downloadFile } from './download.js';
import type { Emitter } from './events.js';
import { type CachedFile, type CachedModel, ModelCache } from './model-cache.js';
import type { LoadProgress } from './progress.js';
import { ensureRoom, type StorageEstimate } from './quota.js';
import type { RetryPolicy } from './retry.js';
import { sha256Hex } from './sha256.js';
import { Sha256Stream } from './sha256-stream.js';
import { memoryStorage } from './storage.js';
import type { DeliveredModel, LoadOptions, Log, ResolvedModel } from './store-types.js';

export interface DeliveryContext {
  cache: ModelCache;
  events: Emitter;
  log: Log;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Cache keys the app holds; eviction never picks them. */
  inUse: Set<string>;
  chunkBytes?: number;
  /** navigator.storage.estimate() where there is one. */
  estimate: () => Promise<StorageEstimate | undefined>;
  maxBytes?: number;
}

/** A model's files as the manifest lists them: the model file, then its external data. */
export function manifestFiles(resolved: ResolvedModel): Omit<CachedFile, 'chunks'>[] {
  const { artifact, url } = resolved;
  return [
    { url, sha256: artifact.sha256, bytes: artifact.bytes },
    ...(artifact.externalData ?? []).map((d) => ({
      path: d.path,
      url: d.url,
      sha256: d.sha256,
      bytes: d.bytes,
    })),
  ];
}

/**
 * Gets one resolved model's verified files: from the cache when it holds a copy whose sha256 still
 * matches, else downloaded into the cache chunk by chunk — resuming what an earlier page stored —
 * and checked before anything else sees them. What it returns reads the files chunk by chunk.
 */
export class Delivery {
  constructor(private readonly context: DeliveryContext) {}

  get chunkBytes(): number {
    return this.context.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  async deliver(
    resolved: ResolvedModel,
    manifestSource: 'network' | 'cache',
    options: LoadOptions,
    progress: LoadProgress,
    mode: 'use' | 'prefetch',
    checkAsRead = false,
  ): Promise<DeliveredModel> {
    const hit = checkAsRead
      ? await this.#checkedAsRead(resolved, manifestSource, options, progress, mode)
      : await this.fromCache(resolved, manifestSource, progress, mode);
    if (hit) return hit;
    const files = manifestFiles(resolved);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    const { cache } = this.context;
    await ensureRoom({
      cache,
      key: resolved.cacheKey,
      files,
      protect: this.context.inUse,
      estimate: this.context.estimate,
      ...(this.context.maxBytes !== undefined ? { maxBytes: this.context.maxBytes } : {}),
      log: this.context.log,
      onEvicted: (entry) => this.#evicted(entry, resolved.cacheKey),
    });
    if (mode === 'use') this.context.inUse.add(resolved.cacheKey);
    try {
      const info = await this.#download(cache, resolved, files, total, options, progress);
      return this.#delivered(resolved, cache, info, 'network', manifestSource, true);
    } catch (error) {
      if (mode === 'use') this.context.inUse.delete(resolved.cacheKey);
      // Storage that refused even after eviction: this page can still run the model, from memory.
      if (mode === 'prefetch' || !(error instanceof EdgewiseError) || error.code !== 'QUOTA') throw error;
      this.context.log('model not cached (storage is full); it is used from memory this time', {
        key: resolved.cacheKey,
      });
      await cache.remove(resolved.cacheKey).catch(() => undefined);
      const memory = new ModelCache(memoryStorage(), this.context.log);
      const info = await this.#download(memory, resolved, files, total, options, progress);
      return this.#delivered(resolved, memory, info, 'network', manifestSource, false);
    }
  }

  async #download(
    cache: ModelCache,
    resolved: ResolvedModel,
    files: Omit<CachedFile, 'chunks'>[],
    total: number,
    options: LoadOptions,
    progress: LoadProgress,
  ): Promise<CachedModel> {
    const bar = progress.phase('download', total);
    const chunkBytes = this.chunkBytes;
    let before = 0;
    const digests: string[][] = [];
    for (const [index, file] of files.entries()) {
      const offset = before;
      try {
        const { chunkSha256 } = await downloadFile({
          ...file,
          key: resolved.cacheKey,
          file: index,
          model: {
            name: resolved.name,
            version: resolved.version,
            variantId: resolved.variantId,
            format: resolved.artifact.format,
            quantization: resolved.artifact.quantization,
            bytes: total,
          },
          cache,
          chunkBytes,
          fetch: this.context.fetch,
          ...this.context.retry,
          ...(options.signal ? { signal: options.signal } : {}),
          onBytes: (loaded) => bar.report(offset + loaded),
          protect: this.context.inUse,
          onEvicted: (entry) => this.#evicted(entry, resolved.cacheKey),
          log: this.context.log,
        });
        digests[index] = chunkSha256;
      } catch (error) {
        if (!(error instanceof EdgewiseError) || error.code !== 'INTEGRITY') throw error;
        const named = new EdgewiseError(
          'INTEGRITY',
          `${resolved.name}@${resolved.version} ('${resolved.variantId}'): ${error.message}`,
          { cause: error, details: { ...error.details, name: resolved.name, version: resolved.version } },
        );
        this.#integrityFailed(resolved, file, named);
        throw named;
      }
      before += file.bytes;
    }
    bar.done();
    const now = Date.now();
    const info: CachedModel = {
      key: resolved.cacheKey,
      name: resolved.name,
      version: resolved.version,
      variantId: resolved.variantId,
      sha256: resolved.artifact.sha256,
      bytes: total,
      format: resolved.artifact.format,
      quantization: resolved.artifact.quantization,
      url: resolved.url,
      storedAt: now,
      lastUsedAt: now,
      files: files.map((f, i) => ({
        ...f,
        chunks: Math.ceil(f.bytes / chunkBytes),
        ...(digests[i]?.length === Math.ceil(f.bytes / chunkBytes) ? { chunkSha256: digests[i] } : {}),
      })),
    };
    await cache.commit(info);
    for (const index of files.keys()) await cache.removePartial(resolved.cacheKey, index);
    return info;
  }

  /**
   * The cached files if every one is present and its sha256 matches; a corrupt or incomplete entry
   * is dropped. Checking reads the files once, chunk by chunk, and keeps none of them.
   */
  async fromCache(
    resolved: ResolvedModel,
    manifestSource: 'network' | 'cache',
    progress: LoadProgress,
    mode: 'use' | 'prefetch',
  ): Promise<DeliveredModel | undefined> {
    const { cacheKey: key } = resolved;
    const { cache } = this.context;
    const info = await cache.info(key).catch((error: unknown) => {
      this.context.log('cache unreadable; fetching from the network', { key, error: String(error) });
      return undefined;
    });
    if (!info) return undefined;
    const expected = manifestFiles(resolved);
    const verify = progress.phase('verify', info.bytes);
    verify.report(0);
    const problem = await this.#check(cache, info, expected, (n) => verify.report(n));
    if (problem) {
      this.context.log('cached model failed its check; dropping it and fetching again', { key, problem });
      this.context.events.emit('integrity-failed', {
        source: 'cache',
        url: problem.url,
        name: resolved.name,
        version: resolved.version,
        variantId: resolved.variantId,
        expected: problem.expected,
        actual: problem.actual,
      });
      await cache.remove(key).catch((error: unknown) => {
        this.context.log('could not drop the corrupt cache entry', { key, error: String(error) });
      });
      return undefined;
    }
    verify.done();
    await cache.touch(info).catch((error: unknown) => {
      this.context.log('could not record the cache hit for LRU', { key, error: String(error) });
    });
    if (mode === 'use') this.context.inUse.add(key);
    return this.#delivered(resolved, cache, info, 'cache', manifestSource, true);
  }

  async #check(
    cache: ModelCache,
    info: CachedModel,
    expected: Omit<CachedFile, 'chunks'>[],
    onBytes: (n: number) => void,
  ): Promise<{ url: string; expected: string; actual: string } | undefined> {
    const stored = info.files ?? [{ url: info.url, sha256: info.sha256, bytes: info.bytes, chunks: 1 }];
    if (stored.length !== expected.length) {
      return { url: info.url, expected: `${expected.length} files`, actual: `${stored.length} files` };
    }
    for (const [i, want] of expected.entries()) {
      if (stored[i]?.sha256 !== want.sha256) {
        return { url: want.url, expected: want.sha256, actual: stored[i]?.sha256 ?? 'no file' };
      }
    }
    // Entries with chunk digests are checked chunk by chunk with WebCrypto, the digests running while
    // the next chunk is read; older entries are hashed whole against the manifest.
    const byChunk = stored.every((f) => f.chunkSha256?.length === f.chunks);
    const hashes = stored.map(() => new Sha256Stream());
    const checks: Promise<{ file: number; index: number; ok: boolean }>[] = [];
    const seen = stored.map(() => 0);
    let read = 0;
    try {
      for await (const { file, data } of cache.chunks(info)) {
        const index = seen[file]!++;
        if (byChunk) {
          const want = stored[file]?.chunkSha256?.[index];
          checks.push(sha256Hex(data).then((actual) => ({ file, index, ok: actual === want })));
          // WebCrypto copies what it digests: two chunks in flight keep this thread's memory flat.
          if (checks.length >= 2) await checks[checks.length - 2];
        } else {
          hashes[file]?.update(data);
        }
        read += data.byteLength;
        onBytes(read);
      }
    } catch (error) {
      return { url: info.url, expected: 'every chunk', actual: String((error as Error).message ?? error) };
    }
    if (byChunk) {
      const bad = (await Promise.all(checks)).find((c) => !c.ok);
      if (bad) {
        const file = expected[bad.file]!;
        return { url: file.url, expected: file.sha256, actual: `chunk ${bad.index} changed in storage` };
      }
      return undefined;
    }
    for (const [i, want] of expected.entries()) {
      const actual = hashes[i]!.hex();
      if (actual !== want.sha256) return { url: want.url, expected: want.sha256, actual };
    }
    return undefined;
  }

  /**
   * A cached copy whose every file has chunk digests, returned without reading it: its content checks
   * each chunk before handing it on, so the bytes are read once, on their way to the worker. A changed
   * or missing chunk drops the entry, downloads the model again into the cache, and the read goes on
   * from that chunk of the fresh copy — every chunk handed on was checked. Older entries: undefined.
   */
  async #checkedAsRead(
    resolved: ResolvedModel,
    manifestSource: 'network' | 'cache',
    options: LoadOptions,
    progress: LoadProgress,
    mode: 'use' | 'prefetch',
  ): Promise<DeliveredModel | undefined> {
    const { cache } = this.context;
    const info = await cache.info(resolved.cacheKey).catch(() => undefined);
    const expected = manifestFiles(resolved);
    const checkable =
      info?.files?.length === expected.length &&
      info.files.every((f, i) => f.sha256 === expected[i]!.sha256 && f.chunkSha256?.length === f.chunks);
    if (!info || !checkable) return this.fromCache(resolved, manifestSource, progress, mode);
    await cache.touch(info).catch(() => undefined);
    if (mode === 'use') this.context.inUse.add(resolved.cacheKey);
    const delivered = this.#delivered(resolved, cache, info, 'cache', manifestSource, true);
    const refetch = async (): Promise<CachedModel> => {
      const total = expected.reduce((sum, f) => sum + f.bytes, 0);
      return this.#download(cache, resolved, expected, total, options, progress);
    };
    const context = this.context;
    return {
      ...delivered,
      content: {
        files: delivered.content.files,
        async *chunks() {
          const verify = progress.phase('verify', info.bytes);
          verify.report(0);
          let current = info;
          let at = { file: 0, index: 0 };
          let read = 0;
          let refetched = false;
          for (;;) {
            let changed: { file: number; index: number; actual: string } | undefined;
            try {
              for await (const { file, index, data } of cache.chunks(current, at)) {
                const actual = await sha256Hex(data);
                if (actual !== current.files?.[file]?.chunkSha256?.[index]) {
                  changed = { file, index, actual };
                  break;
                }
                read += data.byteLength;
                verify.report(read);
                at =
                  index + 1 < (current.files?.[file]?.chunks ?? 0)
                    ? { file, index: index + 1 }
                    : { file: file + 1, index: 0 };
                yield { file, data };
              }
            } catch (error) {
              if (!(error instanceof EdgewiseError) || error.code !== 'INTEGRITY' || refetched) throw error;
              changed = { ...at, actual: error.message };
            }
            if (!changed) {
              verify.done();
              return;
            }
            const file = expected[changed.file]!;
            context.events.emit('integrity-failed', {
              source: 'cache',
              url: file.url,
              name: resolved.name,
              version: resolved.version,
              variantId: resolved.variantId,
              expected: file.sha256,
              actual: `chunk ${changed.index}: ${changed.actual}`,
            });
            if (refetched) {
              throw new EdgewiseError(
                'INTEGRITY',
                `${resolved.name}@${resolved.version}: chunk ${changed.index} of ${file.url} changed in storage twice in one load; the device's storage is failing — clear this site's data and load again.`,
                {
                  details: { name: resolved.name, version: resolved.version, url: file.url, source: 'cache' },
                },
              );
            }
            context.log('a cached chunk changed in storage; downloading the model again', {
              key: resolved.cacheKey,
              ...changed,
            });
            await cache.remove(resolved.cacheKey);
            current = await refetch();
            refetched = true;
          }
        },
      },
    };
  }

  #delivered(
    resolved: ResolvedModel,
    cache: ModelCache,
    info: CachedModel,
    source: 'network' | 'cache',
    manifestSource: 'network' | 'cache',
    cached: boolean,
  ): DeliveredModel {
    const files = info.files ?? [{ url: info.url, sha256: info.sha256, bytes: info.bytes, chunks: 1 }];
    const content: ModelContent = {
      files: files.map((f) => ({ path: f.path, bytes: f.bytes })),
      chunks: () => cache.chunks(info),
    };
    return { ...resolved, content, source, manifestSource, cached };
  }

  #evicted(entry: CachedModel, forKey: string): void {
    this.context.events.emit('evicted', { entry, for: forKey, reason: 'quota' });
  }

  #integrityFailed(resolved: ResolvedModel, file: Omit<CachedFile, 'chunks'>, error: EdgewiseError): void {
    const details = (error.details ?? {}) as { actual?: string };
    this.context.events.emit('integrity-failed', {
      source: 'network',
      url: file.url,
      name: resolved.name,
      version: resolved.version,
      variantId: resolved.variantId,
      expected: file.sha256,
      ...(details.actual ? { actual: details.actual } : {}),
      error,
    });
  }
}
