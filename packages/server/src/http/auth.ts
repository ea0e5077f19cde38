import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServerError } from '../errors.js';

// Hashing first gives equal-length buffers, so comparison time says nothing about the secret.
const digest = (s: string) => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer\s+/i.test(header))
    return header.replace(/^bearer\s+/i, '').trim();
  return undefined;
}

/**
 * The write key of an event request: `Authorization: Bearer pk_…`, `x-edgewise-key: pk_…`, or
 * `?key=pk_…` (navigator.sendBeacon cannot set headers).
 */
export function writeKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-edgewise-key'];
  if (typeof header === 'string' && header) return header;
  const fromBearer = bearer(request);
  if (fromBearer) return fromBearer;
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.key === 'string' && query.key ? query.key : undefined;
}

/** Write keys are public (they ship in web pages) and only let a client send events and predictions. */
export function checkWriteKey(request: FastifyRequest, keys: readonly string[]): void {
  const key = writeKeyOf(request);
  if (!key) {
    throw new ServerError(
      'UNAUTHORIZED',
      'missing write key: send "Authorization: Bearer pk_…" or "x-edgewise-key: pk_…" (or ?key= for beacons)',
    );
  }
  if (!keys.some((k) => sameSecret(k, key))) {
    throw new ServerError('FORBIDDEN', "unknown write key: use one listed in the server's WRITE_KEYS");
  }
}

/** Registry and experiment writes need the admin token (ADMIN_TOKEN), never shipped to browsers. */
export function checkAdmin(request: FastifyRequest, token: string | undefined): void {
  if (!token) {
    throw new ServerError('FORBIDDEN', 'admin endpoints are disabled: start the server with ADMIN_TOKEN set');
  }
  const given = bearer(request) ?? request.headers['x-admin-token'];
  if (typeof given !== 'string' || !given) {
    throw new ServerError('UNAUTHORIZED', 'missing admin token: send "Authorization: Bearer <ADMIN_TOKEN>"');
  }
  if (!sameSecret(token, given)) throw new ServerError('FORBIDDEN', 'wrong admin token');
}
