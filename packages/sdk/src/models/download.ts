import { EdgewiseError } from '../errors.js';
import { PhaseReporter } from './progress.js';
import { backoffDelay, type RetryPolicy, sleep, throwIfAborted } from './retry.js';

export interface DownloadOptions extends RetryPolicy {
  /** The size the manifest promises; a longer body is refused, a shorter complete one too. */
  bytes: number;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Reports the 'download' phase; its total is `bytes`. */
  progress?: PhaseReporter;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

/** A failure worth another attempt: the connection, not the file, was at fault. */
class TransientError extends Error {}

/**
 * Downloads a model file with streaming progress, retries with backoff, and — when the server
 * answered `Accept-Ranges: bytes` with a strong ETag or a Last-Modified — resumes a broken transfer
 * with `Range: bytes=N-` and `If-Range`, so a flaky connection does not restart a large model.
 */
export async function download(url: string, options: DownloadOptions): Promise<Uint8Array> {
  const { bytes, signal } = options;
  const retries = options.retries ?? 3;
  const what = `The download of ${url}`;
  const buffer = new Uint8Array(bytes);
  const progress = options.progress ?? new PhaseReporter('download', bytes, undefined);
  progress.report(0);
  let received = 0;
  let validator: string | undefined;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal, what);
    const resume = received > 0 && validator !== undefined;
    if (!resume) received = 0;
    try {
      const response = await options.fetch(url, {
        ...(signal ? { signal } : {}),
        headers: resume ? { Range: `bytes=${received}-`, 'If-Range': validator as string } : {},
      });
      checkStatus(response, url);
      if (response.status === 206 && contentRangeStart(response) !== received) {
        options.log?.('server resumed at another offset; restarting the download', { url, received });
        await response.body?.cancel();
        received = 0;
        validator = undefined;
        throw new TransientError('Content-Range did not start where the transfer broke');
      }
      if (response.status !== 206) received = 0;
      validator = rangeValidator(response);
      const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
      const start = received;
      // readInto keeps `at` current even when the stream breaks, so a retry resumes from there.
      const cursor = { at: received };
      try {
        await readInto(response, buffer, cursor, progress, url);
      } finally {
        received = cursor.at;
      }
      if (received === bytes) return buffer;
      if (received - start === declared) {
        throw new EdgewiseError(
          'INTEGRITY',
          `${url} is ${received} bytes, but the manifest says ${bytes}; the file or the manifest is wrong — republish them together.`,
          { details: { url, expected: bytes, actual: received } },
        );
      }
      throw new TransientError(`the body ended after ${received} of ${bytes} bytes`);
    } catch (error) {
      if (signal?.aborted) {
        throw new EdgewiseError('ABORTED', `${what} was aborted by its AbortSignal.`, {
          cause: signal.reason,
        });
      }
      if (error instanceof EdgewiseError) throw error;
      // Offline is a fact, not a glitch: backing off would only delay the fallback to the cache.
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (offline || attempt >= retries) {
        throw new EdgewiseError(
          'NETWORK',
          `${what} failed after ${attempt + 1} attempts (${String((error as Error)?.message ?? error)}); check the connection and retry — completed files stay cached.`,
          { cause: error, details: { url, received, bytes } },
        );
      }
      options.log?.('download attempt failed; retrying', { url, attempt, received, error: String(error) });
      await sleep(backoffDelay(attempt, options.retryDelayMs ?? 300), signal, what);
    }
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

async function readInto(
  response: Response,
  buffer: Uint8Array,
  cursor: { at: number },
  progress: PhaseReporter,
  url: string,
): Promise<void> {
  if (!response.body) throw new TransientError('the response has no body');
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (cursor.at + value.length > buffer.length) {
      await reader.cancel();
      throw new EdgewiseError(
        'INTEGRITY',
        `${url} is longer than the ${buffer.length} bytes the manifest says; it was refused — republish the file and manifest together.`,
        { details: { url, expected: buffer.length } },
      );
    }
    buffer.set(value, cursor.at);
    cursor.at += value.length;
    progress.report(cursor.at);
  }
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
