import { EdgewiseError } from '../errors.js';

/**
 * The seed as it appears in the hashed text. Only integers and strings are allowed because they print
 * the same in every language (Python would print the float 1.0 as "1.0", JavaScript as "1").
 */
export function seedText(seed: number | string, what: string): string {
  if (typeof seed === 'string') return seed;
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) return String(seed);
  throw new EdgewiseError(
    'CONFIG',
    `${what}: seed must be an integer or a string so every language hashes the same text; got ${String(seed)}.`,
  );
}

export function requireUserId(userId: unknown, what: string): string {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new EdgewiseError(
      'CONFIG',
      `${what}: userId must be a non-empty string; got ${JSON.stringify(userId)}.`,
    );
  }
  return userId;
}
