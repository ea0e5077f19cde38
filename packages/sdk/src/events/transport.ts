import { parseRetryAfter } from './backoff.js';
import type { EdgewiseEvent } from './event-types.js';

/** What became of one batch POST. */
export type SendOutcome =
  /**
   * 2xx: the collector durably stored the batch (duplicates included), except the events it listed
   * as `rejected` (207): those broke a rule (unknown experiment or arm, value out of range, …) and
   * can never be stored, so they are dropped, never resent.
   */
  | { kind: 'stored'; status: number; rejected?: { index: number; field: string; reason: string }[] }
  /** Network error, timeout, 408, 429 or 5xx: send again later. */
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string }
  /** Any other 4xx: the batch is malformed or unauthorised and resending cannot help. */
  | { kind: 'rejected'; status: number; reason: string };

export interface TransportOptions {
  url: string;
  writeKey?: string;
  fetch?: typeof fetch;
  /** Abort a request that has not answered after this long; it is then retried. Default 30 s. */
  timeoutMs?: number;
  /** Let the request outlive the page (pagehide); the body must then stay under 64 KiB. */
  keepalive?: boolean;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
}

/** POSTs `{ events }` with `Authorization: Bearer <writeKey>` and classifies the answer; never throws. */
export async function postBatch(
  events: readonly EdgewiseEvent[],
  options: TransportOptions,
): Promise<SendOutcome> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.writeKey) headers.Authorization = `Bearer ${options.writeKey}`;
  let response: Response;
  try {
    response = await doFetch(options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events }),
      keepalive: options.keepalive ?? false,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    return {
      kind: 'retry',
      reason: `request failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (response.ok) {
    // Read the body (also so the connection can be reused); only its `rejected` list matters.
    const body = (await response.json().catch(() => undefined)) as { rejected?: unknown } | undefined;
    const rejected = Array.isArray(body?.rejected)
      ? (body.rejected as { index: number; field: string; reason: string }[])
      : [];
    return rejected.length > 0
      ? { kind: 'stored', status: response.status, rejected }
      : { kind: 'stored', status: response.status };
  }
  const reason = await reasonOf(response);
  if (isRetryableStatus(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), Date.now());
    return retryAfterMs === undefined
      ? { kind: 'retry', status: response.status, reason }
      : { kind: 'retry', status: response.status, retryAfterMs, reason };
  }
  return { kind: 'rejected', status: response.status, reason };
}

/**
 * Last-chance send with `navigator.sendBeacon`, for when a keepalive fetch cannot be made. A beacon
 * cannot carry an Authorization header, so the write key travels as the `key` query parameter (the collector accepts it there),
 * and the body is text/plain (JSON inside) because a beacon cannot make a CORS preflight.
 * Returns whether the browser accepted the beacon for sending.
 */
export function beaconBatch(
  events: readonly EdgewiseEvent[],
  options: { url: string; writeKey?: string },
): boolean {
  if (typeof navigator === 'undefined' || typeof navigator.sendBeacon !== 'function') return false;
  const url = new URL(options.url, globalThis.location?.href);
  if (options.writeKey) url.searchParams.set('key', options.writeKey);
  return navigator.sendBeacon(url.href, new Blob([JSON.stringify({ events })], { type: 'text/plain' }));
}
