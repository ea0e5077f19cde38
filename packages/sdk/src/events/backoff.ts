export interface BackoffOptions {
  /** Delay ceiling of the first retry, ms. */
  baseMs: number;
  /** No retry waits longer than this (except when the server's Retry-After asks for more). */
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000, factor: 2 };

/**
 * Exponential backoff with "equal jitter": the ceiling is `min(maxMs, baseMs * factor^attempt)` and
 * the delay is uniform in [ceiling/2, ceiling). The guaranteed half keeps a failing collector from
 * being hammered; the random half keeps many clients that failed together from retrying together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * options.factor ** Math.max(0, attempt));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** A Retry-After header (delta-seconds or an HTTP date) in ms from `now`, or undefined if absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would read "-5" as a year.
  if (!/^[a-z]{3}, /i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
