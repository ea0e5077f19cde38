import { EdgewiseError } from '../errors.js';
import { collectContent } from '../inference/model-content.js';
import { Emitter, type Listener, type ModelStoreEventName } from './events.js';
import { importPublicKey } from './manifest-signature.js';
import { loadManifest } from './manifest-source.js';
import type { ModelManifest, ModelVersion } from './manifest-types.js';
import { type CachedModel, cacheKey, ModelCache } from './model-cache.js';
import { Delivery } from './model-delivery.js';
import { requestPersistentStorage } from './persistent-storage.js';
import { LoadProgress } from './progress.js';
import { browserEstimate } from './quota.js';
import { modelEntry, previousGoodVersions, resolveVersion, type VersionRequest } from './resolve.js';
import { type RetryPolicy, raceAbort } from './retry.js';
import { DEFAULT_STALL_MS, stallGuard } from './stall-guard.js';
import { defaultStorage } from './storage.js';
import type {
  CacheUsage,
  DeliveredModel,
  FetchedModel,
  LoadOptions,
  Log,
  ModelCacheApi,
  ModelStoreOptions,
  ResolvedModel,
} from './store-types.js';
import { pickVariant, type VariantRequest } from './variant.js';

/**
 * Model delivery: resolves a model in the manifest, picks the file that suits the backend, and
 * returns verified bytes from the IndexedDB cache or the network.
 *
 * @example
 * const store = new ModelStore({ manifestUrl: '/models/manifest.json' });
 * store.on('rollback', (e) => console.warn(`${e.name}: using ${e.to}, not ${e.from} (${e.reason})`));
 * const { bytes, version, source } = await store.fetchModel('iris', {
 *   backend: 'wasm',
 *   onProgress: ({ loaded, total, phase }) => bar.update(phase, loaded / total),
 * });
 */
export class ModelStore {
  readonly cache: ModelCacheApi;
  private readonly options: ModelStoreOptions;
  private readonly log: Log;
  private readonly fetchFn: typeof fetch;
  private readonly events: Emitter;
  private readonly store: ModelCache;
  private readonly publicKey: Promise<CryptoKey> | undefined;
  private readonly inUse = new Set<string>();
  private readonly delivery: Delivery;
  private manifestLoad: ReturnType<typeof loadManifest> | undefined;
  private persistRequest: Promise<boolean> | undefined;

  constructor(options: ModelStoreOptions) {
    if (!options?.manifestUrl) {
      throw new EdgewiseError(
        'CONFIG',
        "ModelStore needs manifestUrl, e.g. { manifestUrl: '/models/manifest.json' }.",
      );
    }
    this.options = { ...options, manifestUrl: absoluteUrl(options.manifestUrl) };
    this.fetchFn = stallGuard(
      options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      options.stallTimeoutMs ?? DEFAULT_STALL_MS,
    );
    this.log = options.log ?? (() => {});
    this.events = new Emitter(this.log);
    this.store = new ModelCache(options.storage ?? defaultStorage(options.cacheName), this.log);
    this.delivery = new Delivery({
      cache: this.store,
      events: this.events,
      log: this.log,
      fetch: this.fetchFn,
      retry: retryPolicy(options),
      inUse: this.inUse,
      ...(options.chunkBytes !== undefined ? { chunkBytes: checkedChunkBytes(options.chunkBytes) } : {}),
      estimate: options.estimate ?? browserEstimate,
      ...(options.maxBytes !== undefined ? { maxBytes: checkedMaxBytes(options.maxBytes) } : {}),
    });
    this.publicKey = options.publicKey === undefined ? undefined : importPublicKey(options.publicKey);
    // A rejected key is reported by the first load, not as an unhandled rejection now.
    this.publicKey?.catch(() => {});
    this.cache = {
      list: () => this.store.list(),
      size: async () => (await this.store.list()).reduce((sum, entry) => sum + entry.bytes, 0),
      delete: (name, version) => this.deleteCached(name, version),
      prefetch: (name, opts) => this.prefetch(name, opts),
      clear: () => this.store.clear(),
      persist: () => this.requestPersist(),
      usage: () => this.usage(),
    };
  }

  /** Listens to 'rollback', 'evicted', 'integrity-failed' or 'manifest-offline'; returns an unsubscribe. */
  on<K extends ModelStoreEventName>(event: K, listener: Listener<K>): () => void {
    return this.events.on(event, listener);
  }

  /** The manifest in use: fetched once per store, or the saved one when offline. */
  async manifest(signal?: AbortSignal): Promise<{ manifest: ModelManifest; source: 'network' | 'cache' }> {
    // Shared by concurrent loads, so one caller's AbortSignal only stops that caller's wait.
    if (!this.manifestLoad) {
      const load = loadManifest({
        url: this.options.manifestUrl,
        fetch: this.fetchFn,
        cache: this.store,
        events: this.events,
        publicKey: this.publicKey,
        log: this.log,
        ...retryPolicy(this.options),
      });
      this.manifestLoad = load;
      load.catch(() => {
        if (this.manifestLoad === load) this.manifestLoad = undefined;
      });
    }
    return raceAbort(this.manifestLoad, signal, 'Loading the manifest');
  }

  /** Fetches the manifest again on the next call (e.g. when the app comes back online). */
  refreshManifest(): void {
    this.manifestLoad = undefined;
  }

  /** Which version and file a load would use, without fetching the file. */
  async resolve(
    name: string,
    options: VersionRequest & VariantRequest & Pick<LoadOptions, 'rollback'> = {},
  ): Promise<ResolvedModel> {
    const { manifest } = await this.manifest();
    const asked = resolveVersion(manifest, name, options);
    if (asked.versionInfo.status !== 'retired') return this.resolveIn(manifest, name, options, asked.version);
    if (!mayRollBack(options)) throw retiredError(name, asked.version, options);
    for (const version of previousGoodVersions(modelEntry(manifest, name), asked.version)) {
      try {
        return { ...this.resolveIn(manifest, name, options, version), rolledBackFrom: asked.version };
      } catch (skip) {
        this.log('rollback skips a version without a matching file', { name, version, error: String(skip) });
      }
    }
    throw retiredError(name, asked.version);
  }

  /**
   * Verified bytes of a model version, from the cache when it holds them (no network request), else
   * downloaded. A retired version, or a new one that fails its sha256 or cannot be downloaded, falls
   * back to the newest earlier good version (cached, unless the reason is retirement) and emits
   * 'rollback'. The result stays "in use" — protected from eviction — until `release(cacheKey)`.
   */
  async fetchModel(name: string, options: LoadOptions = {}): Promise<FetchedModel> {
    const { content, ...delivered } = await this.fetchContent(name, options);
    try {
      const { model, externalData } = await collectContent(content);
      return { ...delivered, bytes: model, externalData };
    } catch (error) {
      this.release(delivered.cacheKey);
      throw error;
    }
  }

  /**
   * Like `fetchModel`, but the files stay where they are (the cache, chunk by chunk) until read:
   * what the SDK itself uses, so a large model never sits whole on the main thread.
   */
  async fetchContent(
    name: string,
    options: LoadOptions = {},
    /**
     * Check a cached copy's chunks as they are read (one pass: the bytes go straight on to the worker)
     * instead of before returning; a changed chunk then makes the reader download the model again.
     */
    how: { checkAsRead?: boolean } = {},
  ): Promise<DeliveredModel> {
    const { manifest, source: manifestSource } = await this.manifest(options.signal);
    const asked = resolveVersion(manifest, name, options);
    const progress = new LoadProgress(options.onProgress);
    if (this.options.persist) void this.requestPersist();
    if (asked.versionInfo.status === 'retired') {
      if (!mayRollBack(options)) throw retiredError(name, asked.version, options);
      return this.rollBack(manifest, manifestSource, name, asked.version, options, progress, 'retired');
    }
    const resolved = this.resolveIn(manifest, name, options, asked.version);
    try {
      return await this.delivery.deliver(resolved, manifestSource, options, progress, 'use', how.checkAsRead);
    } catch (error) {
      if (!isRecoverable(error) || !mayRollBack(options)) throw error;
      const reason = error.code === 'INTEGRITY' ? 'integrity' : 'network';
      return this.rollBack(manifest, manifestSource, name, asked.version, options, progress, reason, error);
    }
  }

  /** Lets the cache evict a model the app no longer uses (call it on dispose). */
  release(key: string): void {
    this.inUse.delete(key);
  }

  private resolveIn(
    manifest: ModelManifest,
    name: string,
    options: VariantRequest,
    version: string,
  ): ResolvedModel {
    const versionInfo = modelEntry(manifest, name).versions[version] as ModelVersion;
    const picked = pickVariant(name, version, versionInfo, options);
    const { variantId } = picked;
    // Every URL in a manifest is relative to the manifest, external data files' too.
    const artifact = picked.artifact.externalData
      ? {
          ...picked.artifact,
          externalData: picked.artifact.externalData.map((d) => ({
            ...d,
            url: new URL(d.url, this.options.manifestUrl).href,
          })),
        }
      : picked.artifact;
    return {
      name,
      version,
      variantId,
      artifact,
      versionInfo,
      url: new URL(artifact.url, this.options.manifestUrl).href,
      cacheKey: cacheKey(name, version, artifact.sha256),
    };
  }

  private async rollBack(
    manifest: ModelManifest,
    manifestSource: 'network' | 'cache',
    name: string,
    from: string,
    options: LoadOptions,
    progress: LoadProgress,
    reason: 'retired' | 'integrity' | 'network',
    error?: EdgewiseError,
  ): Promise<DeliveredModel> {
    for (const version of previousGoodVersions(modelEntry(manifest, name), from)) {
      let candidate: ResolvedModel;
      try {
        candidate = this.resolveIn(manifest, name, options, version);
      } catch (skip) {
        this.log('rollback skips a version without a matching file', { name, version, error: String(skip) });
        continue;
      }
      // Retirement is the publisher's call, so an earlier version may still be downloaded; after a
      // failed download or check only a copy already cached and verified is trusted to work now.
      const result =
        reason === 'retired'
          ? await this.delivery
              .deliver(candidate, manifestSource, options, progress, 'use')
              .catch((failure: unknown) => {
                if (!isRecoverable(failure)) throw failure;
                this.log('rollback candidate failed too', { name, version, error: String(failure) });
                return undefined;
              })
          : await this.delivery.fromCache(candidate, manifestSource, progress, 'use');
      if (result) {
        this.log('rolled back', { name, from, to: version, reason });
        this.events.emit('rollback', { name, from, to: version, reason, ...(error ? { error } : {}) });
        return { ...result, rolledBackFrom: from };
      }
    }
    if (error) {
      throw new EdgewiseError(
        error.code,
        `${error.message} No earlier good version of '${name}' is cached to fall back to.`,
        {
          cause: error,
          details: { ...error.details, name, version: from },
        },
      );
    }
    throw retiredError(name, from);
  }

  private async prefetch(name: string, options: Omit<LoadOptions, 'rollback'> = {}): Promise<CachedModel> {
    const { manifest, source } = await this.manifest(options.signal);
    const asked = resolveVersion(manifest, name, options);
    if (asked.versionInfo.status === 'retired') {
      throw new EdgewiseError(
        'VERSION_NOT_FOUND',
        `${name}@${asked.version} is retired; prefetch another version.`,
        {
          details: { name, version: asked.version },
        },
      );
    }
    const resolved = this.resolveIn(manifest, name, options, asked.version);
    await this.delivery.deliver(resolved, source, options, new LoadProgress(options.onProgress), 'prefetch');
    const entry = (await this.store.list()).find((e) => e.key === resolved.cacheKey);
    if (!entry)
      throw new EdgewiseError(
        'INTERNAL',
        `${resolved.cacheKey} was cached but is not listed; report this bug.`,
      );
    return entry;
  }

  private async deleteCached(name: string, version?: string): Promise<number> {
    const doomed = (await this.store.list()).filter(
      (e) => e.name === name && (version === undefined || e.version === version),
    );
    for (const entry of doomed) await this.store.remove(entry.key);
    return doomed.length;
  }

  private async usage(): Promise<CacheUsage> {
    const [{ complete, incomplete }, estimate] = await Promise.all([
      this.store.holdings(),
      (this.options.estimate ?? browserEstimate)(),
    ]);
    const row = (e: CachedModel, total: number, done: boolean): CacheUsage['models'][number] => ({
      name: e.name,
      version: e.version,
      variantId: e.variantId,
      key: e.key,
      bytes: e.bytes,
      total,
      complete: done,
      inUse: this.inUse.has(e.key),
      lastUsedAt: e.lastUsedAt,
    });
    const models = [
      ...complete.map((e) => row(e, e.bytes, true)),
      ...incomplete.map((e) => row(e, e.total, false)),
    ];
    return {
      models,
      bytes: models.reduce((sum, m) => sum + m.bytes, 0),
      ...(estimate?.usage !== undefined ? { usage: estimate.usage } : {}),
      ...(estimate?.quota !== undefined ? { quota: estimate.quota } : {}),
    };
  }

  private requestPersist(): Promise<boolean> {
    this.persistRequest ??= requestPersistentStorage(this.log);
    return this.persistRequest;
  }
}

/**
 * Rollback replaces what a channel or "latest" resolved to, never a version the caller named: an
 * app (or an experiment arm) that asks for 1.0.1 gets 1.0.1 or an error, not 1.0.0 in disguise.
 */
function mayRollBack(options: LoadOptions): boolean {
  return options.rollback !== false && options.version === undefined;
}

function retiredError(name: string, version: string, options?: LoadOptions): EdgewiseError {
  const why =
    options?.version !== undefined
      ? 'and a version asked for by number is never replaced by another; load another version, or load by channel to allow a rollback'
      : options?.rollback === false
        ? 'and rollback is off; load another version or allow rollback'
        : 'and no earlier version can be used instead; publish a new version or point the channel at a good one';
  return new EdgewiseError('VERSION_NOT_FOUND', `${name}@${version} is retired, ${why}.`, {
    details: { name, version },
  });
}

/** Failures a rollback can answer: the file was bad or unreachable — not a bad request or an abort. */
function isRecoverable(error: unknown): error is EdgewiseError {
  return error instanceof EdgewiseError && (error.code === 'INTEGRITY' || error.code === 'NETWORK');
}

function checkedMaxBytes(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new EdgewiseError(
      'CONFIG',
      `maxBytes must be a positive whole number of bytes, e.g. 2e9; got ${bytes}`,
    );
  }
  return bytes;
}

function checkedChunkBytes(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 64 || bytes % 64 !== 0) {
    throw new EdgewiseError(
      'CONFIG',
      `chunkBytes must be a whole multiple of 64 bytes (SHA-256 blocks), e.g. 4194304; got ${bytes}`,
    );
  }
  return bytes;
}

function retryPolicy(options: RetryPolicy): RetryPolicy {
  return {
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  };
}

function absoluteUrl(url: string): string {
  try {
    return new URL(url, globalThis.location?.href).href;
  } catch (cause) {
    throw new EdgewiseError(
      'CONFIG',
      `manifestUrl '${url}' is relative and there is no page URL to resolve it against; pass an absolute URL.`,
      { cause },
    );
  }
}
