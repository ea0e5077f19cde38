import type { FastifyInstance } from 'fastify';
import { defaultOnnxRuntime } from '../predict/onnx-runtime.js';
import type { Store } from '../storage/store.js';
import type { ServerMetrics } from './metrics.js';

export interface HealthOptions {
  store: Store;
  metrics: ServerMetrics;
  /** True from the moment shutdown begins, so load balancers stop sending traffic. */
  isShuttingDown: () => boolean;
  /** The runtime remote inference uses; by default the process-wide choice the predictor also makes. */
  inference?: () => Promise<{ name: string; version: string; reason: string }>;
}

async function describeInference(options: HealthOptions) {
  try {
    const { name, version, reason } = await (options.inference ?? defaultOnnxRuntime)();
    return { runtime: name, version, reason };
  } catch (error) {
    // Liveness must not fail over inference: /healthz stays 200 and says what is wrong.
    return { runtime: null, version: null, reason: (error as Error).message };
  }
}

/**
 * /healthz: the process is alive, and which ONNX Runtime serves /v1/predict
 * (`inference: { runtime: 'onnxruntime-node' | 'onnxruntime-web', version, reason }`). /readyz: it can take traffic (database answers, not shutting down).
 * /metrics: Prometheus text.
 */
export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const { metrics } = options;
  app.get('/healthz', async () => ({ status: 'ok', inference: await describeInference(options) }));

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
    reply.header('content-type', metrics.contentType).send(await metrics.render()),
  );
}
