import { createHash } from 'node:crypto';
import type { Holdout } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { checkAdmin } from '../http/auth.js';
import { keyParams } from '../http/key-params.js';
import type { ExperimentDefinition } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { checkExperiment, experimentSchema } from './experiment-schema.js';
import { namespaceOverlap } from './namespace-overlap.js';
import type { PolicyScheduler } from './policy-scheduler.js';
import { serveExperiment } from './served-experiment.js';

export interface ExperimentsOptions {
  store: Store;
  policies: PolicyScheduler;
  adminToken: string | undefined;
  /** How long clients and CDNs may reuse GET /v1/experiments. */
  maxAgeSeconds: number;
  /** The global holdout, served beside the experiments; absent when none is configured. */
  holdout?: Holdout;
}

/**
 * GET /v1/experiments (public, cacheable, ETag), POST /v1/experiments (admin: create or replace),
 * POST /v1/experiments/:key/policy (admin: recompute bandit weights now).
 */
export async function experimentsRoutes(app: FastifyInstance, options: ExperimentsOptions): Promise<void> {
  const { store } = options;
  const admin = async (request: Parameters<typeof checkAdmin>[0]) => checkAdmin(request, options.adminToken);

  app.get('/v1/experiments', async (request, reply) => {
    const experiments = (await store.experiments.list()).map(serveExperiment);
    const body = options.holdout ? { experiments, holdout: options.holdout } : { experiments };
    const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
    reply
      .header(
        'cache-control',
        `public, max-age=${options.maxAgeSeconds}, stale-while-revalidate=${options.maxAgeSeconds}`,
      )
      .header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return body;
  });

  app.get('/v1/experiments/:key', { schema: { params: keyParams } }, async (request) => {
    const { key } = request.params as { key: string };
    const record = await store.experiments.get(key);
    if (!record)
      throw new ServerError('NOT_FOUND', `no experiment "${key}"; POST /v1/experiments creates one`);
    return serveExperiment(record);
  });

  app.post(
    '/v1/experiments',
    { onRequest: admin, schema: { body: experimentSchema } },
    async (request, reply) => {
      const definition = checkExperiment(request.body as ExperimentDefinition);
      const overlap = namespaceOverlap(definition, await store.experiments.list());
      if (overlap) throw new ServerError('BAD_REQUEST', `body: ${overlap}`);
      const before = await store.experiments.get(definition.key);
      const record = await store.experiments.put(definition);
      return reply.status(before ? 200 : 201).send(serveExperiment(record));
    },
  );

  app.post(
    '/v1/experiments/:key/policy',
    { onRequest: admin, schema: { params: keyParams } },
    async (request) => {
      const { key } = request.params as { key: string };
      const record = await store.experiments.get(key);
      if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"`);
      if (record.type === 'ab') {
        throw new ServerError(
          'CONFLICT',
          `"${key}" is an A/B test; only bandit experiments have a policy to recompute`,
        );
      }
      return serveExperiment(await options.policies.recompute(key));
    },
  );
}
