import type { EdgewiseError } from '../errors.js';
import type { BackoffOptions } from './backoff.js';
import type { EventStore } from './event-store.js';

/** Timer functions, injectable so tests can fire retries by hand instead of waiting. */
export interface Timers {
  /** The callback returns the flush it started, so a test's timer can await it. */
  setTimeout(callback: () => unknown, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EventQueueOptions {
  /** Where batches are POSTed as `{ events: [...] }`, e.g. '/v1/events'. */
  collectorUrl: string;
  /** Sent as `Authorization: Bearer <writeKey>`. */
  writeKey?: string;
  /** Events per request, and the queue length that sends at once. Default 50. */
  batchSize?: number;
  /** How long a partial batch waits for company. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Most events kept unsent; past it the oldest are dropped and counted. Default 10,000. */
  maxQueueSize?: number;
  backoff?: Partial<BackoffOptions>;
  /** A request not answered in this long is retried. Default 30,000 ms. */
  requestTimeoutMs?: number;
  /**
   * How pending events leave with a closing page: 'keepalive' fetch (default; carries the
   * Authorization header) or 'beacon' (`navigator.sendBeacon`; the write key goes in the `?key=` query).
   */
  exitTransport?: 'keepalive' | 'beacon';
  /** Default: IndexedDB where available, else memory. */
  store?: EventStore;
  fetch?: typeof fetch;
  random?: () => number;
  timers?: Timers;
  /** Listen for pagehide / visibilitychange / online. Default true (a no-op outside a page). */
  listenToPage?: boolean;
  /** Told about batches the collector rejected, events dropped for the cap, and storage failures. */
  onError?: (error: EdgewiseError) => void;
}

export interface EventQueueStats {
  /** Events enqueued by this instance. */
  enqueued: number;
  /** Events the collector acknowledged (2xx) to this instance. */
  sent: number;
  /** Failed send attempts (network, timeout, 408, 429, 5xx) that were scheduled again. */
  retries: number;
  /** Events dropped because the collector rejected their batch with a 4xx. */
  rejected: number;
  /** Events ever dropped because the queue was past `maxQueueSize` (persistent). */
  dropped: number;
  /** Events waiting in the store. */
  pending: number;
  lastError?: string;
}

export interface FlushResult {
  sent: number;
  rejected: number;
  pending: number;
  /** Set when a send failed: the next attempt is this far away. */
  retryInMs?: number;
  /** True when nothing was tried because the browser is offline. */
  offline?: boolean;
}
