import { EdgewiseError } from '../errors.js';
import { md5 } from './md5.js';
import { requireUserId, seedText } from './seed-text.js';

/**
 * The 128-bit MD5 digest read as a big-endian integer, modulo 100 — Python's
 * `int(hashlib.md5(s.encode()).hexdigest(), 16) % 100` — reduced byte by byte so no BigInt is needed.
 */
export function md5Mod100(text: string): number {
  let rest = 0;
  for (const byte of md5(text)) rest = (rest * 256 + byte) % 100;
  return rest;
}

/**
 * Two-group A/B split with exact parity with the reference Python:
 * `'B' if int(md5(f"{user_id}_{seed}").hexdigest(), 16) % 100 < split_ratio * 100 else 'A'`.
 * `splitRatio` is the share of users in group B.
 *
 * @example
 * assignToGroup('user-123');            // 'A' or 'B', the same on every device and server
 * assignToGroup('user-123', 0.1, 2024); // 10% of users in 'B'
 */
export function assignToGroup(userId: string, splitRatio = 0.5, seed: number | string = 42): 'A' | 'B' {
  requireUserId(userId, 'assignToGroup');
  if (!Number.isFinite(splitRatio) || splitRatio < 0 || splitRatio > 1) {
    throw new EdgewiseError(
      'CONFIG',
      `assignToGroup: splitRatio is the share of users in group B and must be between 0 and 1; got ${splitRatio}.`,
    );
  }
  // Same float expression as the Python reference, so ratios like 0.29 (28.999…) cut at the same place.
  return md5Mod100(`${userId}_${seedText(seed, 'assignToGroup')}`) < splitRatio * 100 ? 'B' : 'A';
}
