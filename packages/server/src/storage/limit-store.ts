/**
 * Rate-limit counters every replica shares. Each key has one window that starts at its first hit
 * and lasts `windowMs` (as @fastify/rate-limit counts in memory), so N replicas enforce one limit
 * between them, not N.
 */
export interface LimitStore {
  /** Counts one hit for `key` at `now` (epoch ms) and returns the hits in its window and the ms left. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; ttlMs: number }>;
  /** Deletes windows that ended before `now`; returns how many. */
  prune(now: number): Promise<number>;
}
