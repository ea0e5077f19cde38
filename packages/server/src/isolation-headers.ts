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

export function addIsolationHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) reply.header(name, value);
    return payload;
  });
}
