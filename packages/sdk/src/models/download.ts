import { EdgewiseError } from '../errors.js';
import type { CachedModel, ModelCache, PartialFile } from './model-cache.js';
import { backoffDelay, type RetryPolicy, sleep, throwIfAborted } from './retry.js';
import { sha256Hex } from './sha256.js';
import { Sha256Stream } from './sha256-stream.js';

/** 4 MiB: see docs/large-models.md for the measurements behind it. A multiple of 64 (SHA-256 blocks). */
export const DEFAULT_CHUNK_BYTES = 4 << 20;

export interface FileDownload extends RetryPolicy {
  url: string;
  /** The size and digest the manifest promises; anything else is refused. */
  bytes: number;
  sha256: string;
  /** The cache entry and file index the chunks are stored under. */
  key: string;
  file: number;
  model: PartialFile['model'];
  cache: ModelCache;
  chunkBytes: number;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Bytes of this file stored or received so far (never goes down within one attempt). */
  onBytes?: (loaded: number) => void;
  /** Entries a full disk may not evict, and who hears of evictions. */
  protect: ReadonlySet<string>;
  onEvicted: (entry: CachedModel) => void;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

/** A failure worth another attempt: the connection, not the file, was at fault. */
class TransientError extends Error {}

/**
 * Downloads one file into the cache as chunk records, hashing each chunk as it is stored. A reload,
 * a crash or a lost connection resumes from the last stored chunk with `Range` and `If-Range` (the
 * ETag or Last-Modified the stored bytes came with), so only missing bytes travel; a server that
 * answers 200 instead (the file changed, or no range support) restarts it from the first byte. The
 * digest is checked against the manifest before the file counts as stored: on a mismatch every
 * chunk is dropped and INTEGRITY thrown.
 */
export async function downloadFile(d: FileDownload): Promise<{ chunkSha256: string[] }> {
  const what = `The download of ${d.url}`;
  const retries = d.retries ?? 3;
  let partial = await d.cache.readPartial(d.key, d.file);
  if (
    partial &&
    (partial.url !== d.url || partial.chunkBytes !== d.chunkBytes || partial.bytes !== d.bytes)
  ) {
    d.log?.('a stored partial download does not match this file; starting over', { url: d.url });
    await d.cache.dropChunks(d.key, d.file);
    partial = undefined;
  }
  if (partial?.done && partial.sha256 === d.sha256 && partial.chunkSha256) {
    d.onBytes?.(d.bytes);
    return { chunkSha256: partial.chunkSha256 };
  }
  const resumable = partial?.hash !== undefined && partial.chunkSha256 !== undefined;
  let stored = resumable ? (partial?.stored ?? 0) : 0;
  let hash = resumable && partial?.hash ? Sha256Stream.restore(partial.hash) : new Sha256Stream();
  let validator = partial?.validator;
  // Each stored chunk's own digest, by WebCrypto (native, off this thread): a later load from the
  // cache checks chunks against these instead of hashing the whole file again in JS.
  let chunkSha256 = resumable ? [...(partial?.chunkSha256 ?? [])] : [];
  if (stored > 0) d.log?.('resuming a stored partial download', { url: d.url, stored, bytes: d.bytes });
  d.onBytes?.(stored);
  const restart = () => {
    stored = 0;
    hash = new Sha256Stream();
    validator = undefined;
    chunkSha256 = [];
  };

  for (let attempt = 0; stored < d.bytes || d.bytes === 0; attempt++) {
    throwIfAborted(d.signal, what);
    if (stored > 0 && validator === undefined) restart();
    try {
      const response = await d.fetch(d.url, {
        ...(d.signal ? { signal: d.signal } : {}),
        headers: stored > 0 ? { Range: `bytes=${stored}-`, 'If-Range': validator as string } : {},
      });
      checkStatus(response, d.url);
      if (response.status === 206 && contentRangeStart(response) !== stored) {
        await response.body?.cancel();
        restart();
        throw new TransientError('Content-Range did not start where the stored bytes end');
      }
      if (stored > 0 && response.status !== 206) {
        d.log?.('the server sent the whole file (it changed, or ignores Range); restarting', { url: d.url });
        restart();
      }
      if (stored === 0) validator = rangeValidator(response);
      const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
      const startedAt = stored;
      const received = await readChunks(response, d, stored, async (chunk) => {
        const index = stored / d.chunkBytes;
        const [, digest] = await Promise.all([
          d.cache.putChunk(d.key, d.file, index, chunk, {
            protect: d.protect,
            onEvicted: d.onEvicted,
            bytes: d.bytes,
          }),
          sha256Hex(chunk),
        ]);
        hash.update(chunk);
        chunkSha256[index] = digest;
        stored += chunk.byteLength;
        // After the last chunk there is nothing to resume: the digest is checked next.
        if (stored < d.bytes) {
          await d.cache.writePartial(partialRecord(d, stored, hash, validator, chunkSha256));
        }
      });
      if (stored === d.bytes) break;
      if (received === declared) {
        await dropFile(d);
        throw new EdgewiseError(
          'INTEGRITY',
          `${d.url} is ${startedAt + received} bytes, but the manifest says ${d.bytes}; the file or the manifest is wrong — republish them together.`,
          { details: { url: d.url, expected: d.bytes, actual: startedAt + received } },
        );
      }
      throw new TransientError(`the body ended after ${stored} of ${d.bytes} bytes`);
    } catch (error) {
      if (d.signal?.aborted) {
        throw new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`, {
          cause: d.signal.reason,
          details: { url: d.url, stored },
        });
      }
      if (error instanceof EdgewiseError) throw error;
      // Offline is a fact, not a glitch: backing off would only delay the fallback to the cache.
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (offline || attempt >= retries) {
        throw new EdgewiseError(
          'NETWORK',
          `${what} failed after ${attempt + 1} attempts (${String((error as Error)?.message ?? error)}); check the connection and load again — the ${stored} bytes stored so far are kept and the download resumes from there.`,
          { cause: error, details: { url: d.url, stored, bytes: d.bytes } },
        );
      }
      d.log?.('download attempt failed; retrying', { url: d.url, attempt, stored, error: String(error) });
      await sleep(backoffDelay(attempt, d.retryDelayMs ?? 300), d.signal, what);
    }
  }
  const actual = hash.hex();
  if (actual !== d.sha256) {
    // This file only: the model's other files were checked on their own and stay for the next try.
    await dropFile(d);
    throw new EdgewiseError(
      'INTEGRITY',
      `${d.url} has sha256 ${actual}, but the manifest says ${d.sha256}; it was not used. The file was corrupted or tampered with on the way: republish it or check the server and CDN.`,
      { details: { url: d.url, expected: d.sha256, actual, source: 'network' } },
    );
  }
  // Kept until the whole model is listed, so a reload skips this file and eviction counts it.
  await d.cache.writePartial({ ...partialRecord(d, stored, undefined, validator, chunkSha256), done: true });
  return { chunkSha256 };
}

async function dropFile(d: FileDownload): Promise<void> {
  await d.cache.removePartial(d.key, d.file);
  await d.cache.dropChunks(d.key, d.file);
}

function partialRecord(
  d: FileDownload,
  stored: number,
  hash: Sha256Stream | undefined,
  validator: string | undefined,
  chunkSha256: string[],
): PartialFile {
  return {
    key: d.key,
    model: d.model,
    file: d.file,
    url: d.url,
    sha256: d.sha256,
    bytes: d.bytes,
    chunkBytes: d.chunkBytes,
    stored,
    ...(hash ? { hash: hash.save() } : {}),
    chunkSha256,
    ...(validator ? { validator } : {}),
    updatedAt: Date.now(),
  };
}

/**
 * Reads the body into chunks of `chunkBytes` (the last one shorter), handing each full chunk to
 * `store` before reading on. Bytes of a chunk not yet full when the body breaks are fetched again.
 * Returns the body bytes received.
 */
async function readChunks(
  response: Response,
  d: FileDownload,
  from: number,
  store: (chunk: Uint8Array) => Promise<void>,
): Promise<number> {
  if (!response.body) throw new TransientError('the response has no body');
  const reader = response.body.getReader();
  let offset = from;
  // One buffer for every full chunk: storage has copied the bytes once `set` settles (IndexedDB
  // clones the value in put()), so the main thread holds one chunk, not one per chunk until a GC.
  const reused = new Uint8Array(Math.min(d.chunkBytes, d.bytes - offset));
  const next = () =>
    d.bytes - offset >= reused.byteLength ? reused : new Uint8Array(Math.max(0, d.bytes - offset));
  let chunk = reused;
  let filled = 0;
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return received;
    received += value.byteLength;
    if (offset + filled + value.byteLength > d.bytes) {
      await reader.cancel();
      await dropFile(d);
      throw new EdgewiseError(
        'INTEGRITY',
        `${d.url} is longer than the ${d.bytes} bytes the manifest says; it was refused — republish the file and manifest together.`,
        { details: { url: d.url, expected: d.bytes } },
      );
    }
    let at = 0;
    while (at < value.byteLength) {
      const take = Math.min(chunk.byteLength - filled, value.byteLength - at);
      chunk.set(value.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === chunk.byteLength) {
        await store(chunk);
        offset += filled;
        filled = 0;
        chunk = next();
      }
    }
    d.onBytes?.(offset + filled);
  }
}

function checkStatus(response: Response, url: string): void {
  if (response.ok) return;
  const s = response.status;
  if (s === 408 || s === 429 || s >= 500) throw new TransientError(`HTTP ${s}`);
  throw new EdgewiseError(
    'NETWORK',
    `${url} answered HTTP ${s}; the manifest lists a file the server does not give out — check the URL and the server.`,
    { details: { url, status: s } },
  );
}

/** A strong ETag or Last-Modified, usable in If-Range, when the server takes byte ranges. */
function rangeValidator(response: Response): string | undefined {
  if (response.headers.get('Accept-Ranges') !== 'bytes' && response.status !== 206) return undefined;
  const etag = response.headers.get('ETag');
  if (etag && !etag.startsWith('W/')) return etag;
  return response.headers.get('Last-Modified') ?? undefined;
}

function contentRangeStart(response: Response): number {
  const match = /^bytes (\d+)-/.exec(response.headers.get('Content-Range') ?? '');
  return match ? Number(match[1]) : -1;
}
