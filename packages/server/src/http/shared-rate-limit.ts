import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { LimitStore } from '../storage/limit-store.js';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * What @fastify/rate-limit really hands a store's `child` (its merged limit options, with the route
 * under `routeInfo`), whatever its typings say.
 */
interface RouteLimitOptions {
  routeInfo?: { method?: string | string[]; url?: string };
}

/**
 * A @fastify/rate-limit store over the shared {@link LimitStore}: every replica on the database counts
 * into the same windows. Keys are prefixed with the route, as the plugin's own stores keep one
 * counter per route.
 */
export function sharedRateLimitStore(limits: LimitStore): FastifyRateLimitStoreCtor {
  class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    // The plugin constructs the root store with its options object; only children get a prefix.
    constructor(prefix?: unknown) {
      this.#prefix = typeof prefix === 'string' ? prefix : '';
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      limits.hit(this.#prefix + key, timeWindow, Date.now()).then(
        (r) => callback(null, { current: r.count, ttl: r.ttlMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: unknown): SharedRateLimitStore {
      const { routeInfo } = routeOptions as RouteLimitOptions;
      const method = routeInfo?.method;
      return new SharedRateLimitStore(
        `${Array.isArray(method) ? method.join(',') : (method ?? '')} ${routeInfo?.url ?? ''}|`,
      );
    }
  }
  return SharedRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
