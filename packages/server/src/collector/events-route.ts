import type { FastifyInstance } from 'fastify';
import { checkWriteKey, writeKeyOf } from '../http/auth.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { EventRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { eventBatchSchema, toEventRecord, type WireEvent } from './event-schema.js';

export interface CollectorOptions {
  store: Store;
  metrics: ServerMetrics;
  writeKeys: readonly string[];
  /** Requests per minute per write key. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}

/**
 * POST /v1/events: `{ events: [...] }`, write key in `Authorization: Bearer pk_…` or `x-edgewise-key`.
 * 200 `{ accepted, duplicates }` only after the batch is durably committed, so an acknowledged event
 * is never lost; a retry of the same ids is counted as duplicates, never twice.
 */
export async function collectorRoutes(app: FastifyInstance, options: CollectorOptions): Promise<void> {
  // navigator.sendBeacon posts text/plain; its body is the same JSON.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.post(
    '/v1/events',
    {
      bodyLimit: options.bodyLimitBytes,
      schema: { body: eventBatchSchema },
      config: {
        rateLimit: {
          max: options.rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: (request) => writeKeyOf(request) ?? request.ip,
        },
      },
      // Authentication before the body is read, so unauthenticated clients cannot make us parse megabytes.
      onRequest: async (request) => checkWriteKey(request, options.writeKeys),
    },
    async (request, reply) => {
      const wire = (request.body as { events: WireEvent[] }).events;
      const events: EventRecord[] = [];
      for (let i = 0; i < wire.length; i++) {
        const record = toEventRecord(wire[i] as WireEvent, i);
        if ('field' in record) return reply.status(400).send({ error: 'BAD_REQUEST', ...record });
        events.push(record);
      }
      const result = await options.store.events.ingest(events);
      options.metrics.eventsIngested.inc({}, result.accepted);
      options.metrics.duplicatesDropped.inc({}, result.duplicates);
      options.metrics.batches.inc();
      return result;
    },
  );
}
