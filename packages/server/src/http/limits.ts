import type { ServerOptions } from 'node:http';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ServerError } from '../errors.js';
import { writeKeyOf } from './auth.js';

/** Which budget a route draws from; each has its own requests-per-minute default. */
export type RouteClass = 'events' | 'predict' | 'read' | 'admin';

export type RateLimits = Record<RouteClass, number>;

/**
 * Per minute, per (write key, client). Events: a page batches, so 1200 is far above one user's need.
 * Predict runs a model per call, so it is the scarcer resource. Reads are cacheable JSON, static
 * assets and model files. Admin is a publisher's script, never a browser.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { events: 1200, predict: 600, read: 1200, admin: 120 };

/** Body limit of every route that does not size its own (admin JSON, reads). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** Slow-client bounds; see `serverTimeouts`. */
export interface Timeouts {
  /** Whole request (headers and body) must arrive within this (default 60 s). */
  requestTimeoutMs: number;
  /** Headers must arrive within this (default 10 s). */
  headersTimeoutMs: number;
  /** A socket with no traffic at all is closed after this (default 30 s). */
  idleTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 30_000,
};

/**
 * Fastify and Node options that cut slow clients off. The idle timeout alone misses a body dripped
 * a byte every few seconds, so Node's `requestTimeout` bounds the whole request; Node only checks it
 * every `connectionsCheckingInterval`, which is therefore a fraction of the timeout, not its 30 s default.
 */
export function serverTimeouts(t: Timeouts): {
  requestTimeout: number;
  connectionTimeout: number;
  http: ServerOptions;
} {
  // Node requires headersTimeout <= requestTimeout when the latter is set (0 = no limit).
  const headersTimeout =
    t.requestTimeoutMs > 0 ? Math.min(t.headersTimeoutMs, t.requestTimeoutMs) : t.headersTimeoutMs;
  return {
    requestTimeout: t.requestTimeoutMs,
    connectionTimeout: t.idleTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: t.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 4))),
    },
  };
}

const ADMIN_WRITE = /^\/v1\/(models|experiments)(\/|$)/;

/** The budget of a route, from its method and path (routes are declared elsewhere; this is the one policy). */
export function routeClass(method: string, url: string): RouteClass {
  if (url === '/v1/events') return 'events';
  if (url.startsWith('/v1/predict') || url.startsWith('/v1/tasks/')) return 'predict';
  if (method !== 'GET' && method !== 'HEAD' && ADMIN_WRITE.test(url)) return 'admin';
  return 'read';
}

/**
 * The client a limit counts for: the write key (public, so it names a site, not a person) together
 * with the client address, so one abusive page only throttles itself, not every user of that key.
 * `request.ip` is the socket address unless the server was started with trustProxy, where Fastify
 * takes it from X-Forwarded-For; a user id from the body is not used because a client picks it freely.
 */
export function clientKey(request: FastifyRequest): string {
  return `${writeKeyOf(request) ?? '-'}|${request.ip}`;
}

function rateLimited(limit: RouteClass, after: string, retryAfterSeconds: number): ServerError {
  return new ServerError(
    'RATE_LIMITED',
    `too many ${limit} requests from this client (limit per write key and address); retry after ${after} (Retry-After: ${retryAfterSeconds})`,
  );
}

/**
 * Gives every route, as it is declared, the rate limit of its class. Must be installed before
 * @fastify/rate-limit is registered, so its onRoute hook sees the config set here; a route's own
 * `config.rateLimit` is replaced so that one policy (this one) decides the keys and numbers.
 */
export function installRouteLimits(app: FastifyInstance, limits: RateLimits): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const limit = routeClass(String(methods[0]).toUpperCase(), route.url);
    route.config = {
      ...route.config,
      rateLimit: {
        max: limits[limit],
        timeWindow: 60_000,
        keyGenerator: clientKey,
        errorResponseBuilder: (_request: FastifyRequest, context: { after: string; ttl: number }) =>
          rateLimited(limit, context.after, Math.ceil(context.ttl / 1000)),
      },
    } as RouteOptions['config'];
  });
}
