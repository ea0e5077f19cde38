import type { Backend } from '../inference/backend-plan.js';
import { memoryContent } from '../inference/model-content.js';
import type { FetchedFile, ModelFiles, PlacedFile } from '../inference/placement.js';
import type { ModelFormat } from './manifest-types.js';
import type { ModelStore } from './model-store.js';
import type { LoadOptions, ResolvedModel } from './store-types.js';
import { BASE_VARIANT } from './variant.js';

function describeFile(resolved: ResolvedModel): PlacedFile {
  return {
    id: resolved.cacheKey,
    name: resolved.name,
    version: resolved.version,
    variant: resolved.variantId === BASE_VARIANT ? undefined : resolved.variantId,
    format: resolved.artifact.format,
    quantization: resolved.artifact.quantization,
    sha256: resolved.artifact.sha256,
    inputs: resolved.versionInfo.inputs,
    outputs: resolved.versionInfo.outputs,
  };
}

/**
 * A manifest model's files for placement: the variant that suits each backend, resolved by the store
 * (with its rollback rules) and fetched from its cache or the network.
 */
export function manifestFiles(
  store: ModelStore,
  name: string,
  request: Omit<LoadOptions, 'backend'>,
): ModelFiles {
  return {
    async pick(backend: Backend) {
      return describeFile(await store.resolve(name, { ...request, backend }));
    },
    async fetch(backend: Backend): Promise<FetchedFile> {
      const fetched = await store.fetchContent(name, { ...request, backend }, { checkAsRead: true });
      return {
        ...describeFile(fetched),
        content: fetched.content,
        source: fetched.source,
        release: () => store.release(fetched.cacheKey),
      };
    },
  };
}

/** Bytes the app already has: one file for every backend, never cached, never sent to the server. */
export function bytesFiles(
  bytes: Uint8Array,
  meta: { name: string; version: string; format: ModelFormat },
): ModelFiles {
  const file: PlacedFile = { id: 'app-bytes', ...meta, variant: undefined, quantization: 'fp32' };
  return {
    pick: async () => file,
    fetch: async () => ({ ...file, content: memoryContent(bytes), source: 'memory', release: () => {} }),
  };
}
