import type { FastifyInstance } from 'fastify';
import type { Store } from '../storage/store.js';
import type { ServerMetrics } from './metrics.js';

export interface HealthOptions {
  store: Store;
  metrics: ServerMetrics;
  /** True from the moment shutdown begins, so load balancers stop sending traffic. */
  isShuttingDown: () => boolean;
}

/**
 * /healthz: the process is alive. /readyz: it can take traffic (database answers, not shutting down).
 * /metrics: Prometheus text.
 */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const { metrics } = options;
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (options.isShuttingDown()) return reply.status(503).send({ ready: false, reason: 'shutting down' });
    try {
      await options.store.ping();
    } catch (error) {
      return reply.status(503).send({ ready: false, reason: `database: ${(error as Error).message}` });
    }
    return { ready: true, store: options.store.kind };
  });

  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
}
