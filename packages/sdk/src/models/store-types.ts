import type { ExternalData, ModelContent } from '../inference/model-content.js';
import type { PublicKeyInput } from './manifest-signature.js';
import type { ModelArtifact, ModelVersion } from './manifest-types.js';
import type { CachedModel } from './model-cache.js';
import type { ProgressCallback } from './progress.js';
import type { StorageEstimate } from './quota.js';
import type { VersionRequest } from './resolve.js';
import type { RetryPolicy } from './retry.js';
import type { ModelStorage } from './storage.js';
import type { VariantRequest } from './variant.js';

export type Log = (message: string, details?: Record<string, unknown>) => void;

export interface ModelStoreOptions extends RetryPolicy {
  /** The manifest's URL; model URLs in it are relative to it. */
  manifestUrl: string;
  /** Ed25519 public key (raw 32 bytes, base64 or bytes): when set, only signed manifests are used. */
  publicKey?: PublicKeyInput;
  fetch?: typeof fetch;
  /** IndexedDB database name for the cache; default 'edgewise-models'. */
  cacheName?: string;
  /** Where the cache lives; default IndexedDB (`idbStorage(cacheName)`). */
  storage?: ModelStorage;
  /** Ask for persistent storage (navigator.storage.persist()) on the first load. */
  persist?: boolean;
  /** A request that sends nothing (no headers, no body bytes) for this long fails; default 30,000 ms. */
  stallTimeoutMs?: number;
  /** Hears what the store decided and why (retries, evictions, fallbacks). */
  log?: Log;
  /** Bytes per stored chunk (a multiple of 64); default 4 MiB. */
  chunkBytes?: number;
  /** Free space before a download; default navigator.storage.estimate() where there is one. */
  estimate?: () => Promise<StorageEstimate | undefined>;
  /**
   * The most bytes the model cache may hold (complete models and partial downloads). Checked before
   * each download like the browser's quota — evicting LRU models not in use, else `QUOTA` — and,
   * unlike Chromium's estimate (a static figure), always exact.
   */
  maxBytes?: number;
}

export interface LoadOptions extends VersionRequest, VariantRequest {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Fall back to an earlier good version on retirement, failed integrity or no network; default true. */
  rollback?: boolean;
}

export interface ResolvedModel {
  name: string;
  version: string;
  variantId: string;
  artifact: ModelArtifact;
  versionInfo: ModelVersion;
  /** The artifact's absolute URL. */
  url: string;
  cacheKey: string;
  /** The version asked for, when an earlier one is used instead (it was retired, or failed). */
  rolledBackFrom?: string;
}

/** A model's verified files, readable chunk by chunk: nothing of it is held in memory yet. */
export interface DeliveredModel extends ResolvedModel {
  content: ModelContent;
  source: 'network' | 'cache';
  /** Where the manifest came from: 'cache' means the network was unreachable. */
  manifestSource: 'network' | 'cache';
  /** Whether the files are in the cache now (false when storage was full even after eviction). */
  cached: boolean;
}

export interface FetchedModel extends ResolvedModel {
  /** Checked against the manifest's sha256; never anything else. */
  bytes: Uint8Array;
  /** ONNX external data files, each checked against its own sha256. */
  externalData: ExternalData[];
  source: 'network' | 'cache';
  /** Where the manifest came from: 'cache' means the network was unreachable. */
  manifestSource: 'network' | 'cache';
  /** Whether the bytes are in the cache now (false when storage was full even after eviction). */
  cached: boolean;
}

/** The cache verbs an app needs: what is stored, how big, and what to fetch ahead or forget. */
export interface ModelCacheApi {
  list(): Promise<CachedModel[]>;
  /** Bytes of all cached model files. */
  size(): Promise<number>;
  /** Removes a model's cached files (one version, or all); returns how many. */
  delete(name: string, version?: string): Promise<number>;
  /** Downloads and caches a version now (e.g. on Wi-Fi) without using it; QUOTA if it cannot be stored. */
  prefetch(name: string, options?: Omit<LoadOptions, 'rollback'>): Promise<CachedModel>;
  clear(): Promise<void>;
  /** Asks the browser to keep this origin's storage under pressure; true if granted. */
  persist(): Promise<boolean>;
  /** What each model holds in storage (complete or part-downloaded), and the origin's quota. */
  usage(): Promise<CacheUsage>;
}

export interface CacheUsage {
  models: {
    name: string;
    version: string;
    variantId: string;
    key: string;
    /** Bytes stored now. */
    bytes: number;
    /** Bytes of the whole model (all its files). */
    total: number;
    /** False for a download that stopped part way (it resumes on the next load). */
    complete: boolean;
    inUse: boolean;
    lastUsedAt: number;
  }[];
  /** Sum of `models[].bytes`. */
  bytes: number;
  /** navigator.storage.estimate() for the whole origin, where there is one. */
  usage?: number;
  quota?: number;
}
