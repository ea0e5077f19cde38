/**
 * Model delivery: manifest resolution, variant choice, verified download, IndexedDB cache, offline
 * start, rollback and signed manifests. `ModelStore` is the entry point; the rest is for tools and tests.
 */

export { canonicalJson } from './canonical-json.js';
export type { Listener, ModelStoreEventName, ModelStoreEvents } from './events.js';
export {
  importPublicKey,
  type PublicKeyInput,
  signedBytes,
  verifyManifestSignature,
} from './manifest-signature.js';
export type {
  ManifestSignature,
  ModelArtifact,
  ModelEntry,
  ModelFormat,
  ModelManifest,
  ModelVersion,
  Quantization,
  TensorDType,
  TensorSpec,
  VersionStatus,
} from './manifest-types.js';
export { type CachedModel, cacheKey } from './model-cache.js';
export { ModelStore } from './model-store.js';
export type { Progress, ProgressCallback } from './progress.js';
export {
  previousGoodVersions,
  type ResolvedVersion,
  resolveVersion,
  type VersionRequest,
} from './resolve.js';
export type { RetryPolicy } from './retry.js';
export { sha256Hex } from './sha256.js';
export { defaultStorage, idbStorage, isQuotaError, type ModelStorage, memoryStorage } from './storage.js';
export type {
  FetchedModel,
  LoadOptions,
  Log,
  ModelCacheApi,
  ModelStoreOptions,
  ResolvedModel,
} from './store-types.js';
export {
  BASE_VARIANT,
  type PickedVariant,
  pickVariant,
  type VariantRequest,
} from './variant.js';
export { compareVersions } from './version-order.js';
