import type { FastifyInstance } from 'fastify';
import type { GuardrailMonitor } from '../experiments/guardrail-monitor.js';
import { checkWriteKey, writeKeyOf } from '../http/auth.js';
import type { ServerMetrics } from '../observability/metrics.js';
import { coalescedRead } from '../storage/coalesced-read.js';
import type { EventRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { checkEvent, type EventRejection } from './event-rules.js';
import { eventBatchSchema, toEventRecord, type WireEvent } from './event-schema.js';

export interface CollectorOptions {
  store: Store;
  metrics: ServerMetrics;
  writeKeys: readonly string[];
  /** Requests per minute per write key. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  /** The server's clock, for the timestamp window (tests pin it). Default Date.now. */
  now?: () => number;
  /** Checked after each committed batch, before the reply, so a breach is visible to the next read. */
  guardrails?: GuardrailMonitor;
}

/**
 * POST /v1/events: `{ events: [...] }`, write key in `Authorization: Bearer pk_…` or `x-edgewise-key`.
 * 200 `{ accepted, duplicates }` only after the batch is durably committed, so an
 * acknowledged event is never lost; a retry of the same ids is counted as duplicates, never twice.
 * A malformed body is 400 as a whole; well-formed events that break a rule (unknown experiment or
 * arm, value out of range, unsafe text, time outside the window) are listed in `rejected` with the
 * field at fault, and the rest of the batch is stored: 207 `{ accepted, duplicates, rejected }`. Nothing is retried by the SDK then.
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

  // Requests that arrive together share one read of the served experiments (a round trip or two on
  // Postgres), started after all of them arrived, so none misses a definition written before it.
  const servedExperiments = coalescedRead(() => options.store.experiments.list());

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
      const rejected: EventRejection[] = [];
      // One read per batch: the served experiments are few, and the check must see the current ones.
      const experiments = new Map((await servedExperiments(undefined)).map((x) => [x.key, x]));
      const now = (options.now ?? Date.now)();
      for (let i = 0; i < wire.length; i++) {
        const e = wire[i] as WireEvent;
        const record = toEventRecord(e, i);
        if ('field' in record) return reply.status(400).send({ error: 'BAD_REQUEST', ...record });
        const broken = checkEvent(e, record.ts, experiments, now);
        if (broken)
          rejected.push({ index: i, id: e.id, field: `events[${i}].${broken[0]}`, reason: broken[1] });
        else events.push(record);
      }
      const result =
        events.length > 0 ? await options.store.events.ingest(events) : { accepted: 0, duplicates: 0 };
      options.metrics.eventsIngested.inc({}, result.accepted);
      options.metrics.duplicatesDropped.inc({}, result.duplicates);
      options.metrics.batches.inc();
      options.metrics.batchSize.observe(wire.length);
      if (options.guardrails && result.accepted > 0) {
        const touched = new Set(events.map((e) => e.experiment));
        const withSummaries = new Set(events.filter((e) => e.type === 'summary').map((e) => e.experiment));
        await options.guardrails.afterBatch(
          [...touched].map((key) => experiments.get(key)!),
          withSummaries,
        );
      }
      // `rejected` only when there is something in it, so a clean batch answers as it always did.
      if (rejected.length === 0) return result;
      return reply.status(207).send({ ...result, rejected });
    },
  );
}
