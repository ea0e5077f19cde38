import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from './metrics.js';

/** Counts and times every request by its route pattern (not its URL, which would explode the series). */
export function installRequestMetrics(app: FastifyInstance, metrics: ServerMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
