import { md5 } from './md5.js';
import { requireUserId, seedText } from './seed-text.js';

/** Number of hash buckets; assignment granularity is 0.01% of users. */
export const BUCKETS = 10_000;

/**
 * The user's bucket in [0, 10000): the first 4 bytes of `md5("${seed}:${userId}")` (UTF-8) read as a
 * big-endian uint32, modulo 10000. See docs/assignment.md for Python, Go and SQL versions.
 */
export function hashBucket(userId: string, seed: number | string): number {
  requireUserId(userId, 'hashToUnit');
  const digest = md5(`${seedText(seed, 'hashToUnit')}:${userId}`);
  const word = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  return word % BUCKETS;
}

/**
 * A deterministic position in [0, 1) for this user and seed, in steps of 1/10000:
 * `hashBucket(userId, seed) / 10000`.
 *
 * @example
 * hashToUnit('user-123', 'checkout-exp'); // e.g. 0.4821, identical in Python, Go and SQL
 */
export function hashToUnit(userId: string, seed: number | string): number {
  return hashBucket(userId, seed) / BUCKETS;
}
