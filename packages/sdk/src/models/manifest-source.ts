import { EdgewiseError } from '../errors.js';
import type { Emitter } from './events.js';
import { verifyManifestSignature } from './manifest-signature.js';
import type { ModelManifest } from './manifest-types.js';
import type { ModelCache } from './model-cache.js';
import { backoffDelay, type RetryPolicy, sleep } from './retry.js';

export interface ManifestLoad {
  manifest: ModelManifest;
  source: 'network' | 'cache';
}

export interface ManifestSourceOptions extends RetryPolicy {
  url: string;
  fetch: typeof fetch;
  cache: ModelCache;
  events: Emitter;
  publicKey: Promise<CryptoKey> | undefined;
  log: (message: string, details?: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

/**
 * Fetches the manifest, checks its shape and signature, and saves it as the last good one. When it
 * cannot be fetched (offline, server down), the last good manifest is used instead — re-verified,
 * since storage is not a trusted place — and 'manifest-offline' says so. A manifest that arrives but
 * fails its signature is refused (INTEGRITY), never replaced by the cached one silently.
 */
export async function loadManifest(options: ManifestSourceOptions): Promise<ManifestLoad> {
  const { url, cache, events, log } = options;
  const saved = await cache.readManifest(url).catch((error: unknown) => {
    log('could not read the saved manifest', { url, error: String(error) });
    return undefined;
  });
  let fetchError: unknown;
  let fetched: unknown;
  try {
    // With a saved manifest to fall back on, one failed attempt is enough: an offline start should
    // not wait out the backoff. Without one, retrying is the only way to get going.
    fetched = await fetchJson(saved ? { ...options, retries: 0 } : options);
  } catch (error) {
    if (error instanceof EdgewiseError && error.code === 'ABORTED') throw error;
    fetchError = error;
  }
  if (fetchError === undefined) {
    const manifest = checkShape(fetched, url);
    await verify(manifest, url, options);
    try {
      await cache.writeManifest(url, manifest);
    } catch (error) {
      log('could not save the manifest for offline use; continuing with it', { url, error: String(error) });
    }
    return { manifest, source: 'network' };
  }
  if (!saved) {
    throw new EdgewiseError(
      'NETWORK',
      `Could not fetch the model manifest ${url} (${describe(fetchError)}) and none is saved from an earlier visit; go online once so models can be cached for offline use.`,
      { cause: fetchError, details: { url } },
    );
  }
  const manifest = checkShape(saved.manifest, `${url} (saved copy)`);
  await verify(manifest, `${url} (saved copy)`, options);
  log('manifest unreachable; using the saved one', {
    url,
    savedAt: saved.savedAt,
    error: describe(fetchError),
  });
  events.emit('manifest-offline', { url, savedAt: saved.savedAt, error: fetchError });
  return { manifest, source: 'cache' };
}

async function verify(manifest: ModelManifest, where: string, options: ManifestSourceOptions): Promise<void> {
  if (!options.publicKey) return;
  try {
    await verifyManifestSignature(manifest, await options.publicKey, where);
  } catch (error) {
    if (error instanceof EdgewiseError && error.code === 'INTEGRITY') {
      options.events.emit('integrity-failed', { source: 'manifest', url: options.url, error });
    }
    throw error;
  }
}

async function fetchJson(options: ManifestSourceOptions): Promise<unknown> {
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await options.fetch(options.url, {
        cache: 'no-cache',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return await response.json();
    } catch (error) {
      if (options.signal?.aborted) {
        throw new EdgewiseError('ABORTED', 'Loading the manifest was aborted by its AbortSignal.', {
          cause: error,
        });
      }
      // Offline is a fact, not a glitch: waiting out the backoff would only delay the offline start.
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (offline || attempt >= retries) throw error;
      options.log('manifest fetch failed; retrying', { url: options.url, attempt, error: describe(error) });
      await sleep(backoffDelay(attempt, options.retryDelayMs ?? 300), options.signal, 'Loading the manifest');
    }
  }
}

function checkShape(value: unknown, where: string): ModelManifest {
  const manifest = value as Partial<ModelManifest> | null;
  if (
    !manifest ||
    typeof manifest !== 'object' ||
    manifest.schemaVersion !== 1 ||
    typeof manifest.models !== 'object'
  ) {
    throw new EdgewiseError(
      'CONFIG',
      `${where} is not an Edgewise model manifest (expected { schemaVersion: 1, models: {...} }); check manifestUrl.`,
      { details: { url: where } },
    );
  }
  return manifest as ModelManifest;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
