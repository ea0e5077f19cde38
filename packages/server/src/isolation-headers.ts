import type { FastifyInstance } from 'fastify';

/**
 * WASM threads need SharedArrayBuffer, which browsers only give to cross-origin isolated pages.
 * Every response carries the headers that make a page isolated and let it load our own resources.
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * On every response too: no MIME sniffing (a JSON or model body is never run as script or HTML),
 * and no URL leaking to other sites in Referer (beacons carry the write key in `?key=`).
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function addIsolationHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) reply.header(name, value);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });
}
