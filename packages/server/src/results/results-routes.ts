import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { keyParams } from '../http/key-params.js';
import type { Store } from '../storage/store.js';
import { isBinary } from './arm-stats.js';
import { ALPHA, computeResults } from './compute-results.js';
import { buildTimeline } from './timeline.js';

/**
 * GET /v1/experiments/:key/results: per-arm statistics and a verdict.
 * GET /v1/experiments/:key/timeline?bucketSeconds=60: the dashboard's series.
 */
export async function resultsRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  const { store } = options;

  app.get('/v1/experiments/:key/results', { schema: { params: keyParams } }, async (request, reply) => {
    const { key } = request.params as { key: string };
    const record = await store.experiments.get(key);
    if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"; GET /v1/experiments lists them`);
    reply.header('cache-control', 'no-cache');
    return computeResults(record, await store.events.aggregates(key), await store.events.totals(key));
  });

  app.get(
    '/v1/experiments/:key/timeline',
    {
      schema: {
        params: keyParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { bucketSeconds: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' } },
        },
      },
    },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      const { bucketSeconds } = request.query as { bucketSeconds?: string };
      const record = await store.experiments.get(key);
      if (!record)
        throw new ServerError('NOT_FOUND', `no experiment "${key}"; GET /v1/experiments lists them`);
      const seconds = Number(bucketSeconds ?? 60);
      if (seconds % 60 !== 0)
        throw new ServerError(
          'BAD_REQUEST',
          `bucketSeconds must be a whole number of minutes (60, 300, 3600, …): the timeline is read from minute rollups, got ${seconds}`,
        );
      const bucketMs = seconds * 1000;
      const metric = isBinary(await store.events.aggregates(key)) ? 'proportion' : 'mean';
      const series = buildTimeline(record, await store.events.timeline(key, bucketMs), metric);
      reply.header('cache-control', 'no-cache');
      return { key, bucketMs, alpha: ALPHA, ...series, policy: await store.experiments.policyHistory(key) };
    },
  );
}
