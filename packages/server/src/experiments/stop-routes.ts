import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServerError } from '../errors.js';
import { checkAdmin } from '../http/auth.js';
import { keyParams } from '../http/key-params.js';
import { armDrift, DAY_MS, driftByArm } from '../monitoring/arm-drift.js';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { armHealth } from './arm-health.js';
import { evaluateGuardrails } from './guardrails.js';
import { serveExperiment } from './served-experiment.js';

export interface StopRoutesOptions {
  store: Store;
  adminToken: string | undefined;
  now?: () => number;
}

const stopBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    arm: { type: 'string', minLength: 1, maxLength: 128 },
    reason: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

interface StopBody {
  arm?: string;
  reason?: string;
}

/**
 * People stopping and resuming arms (admin): POST /v1/experiments/:key/stop and /resume with
 * `{ arm?, reason? }` (no arm: the whole experiment), GET /v1/experiments/:key/audit; and, public
 * like the results, GET /v1/experiments/:key/guardrails: each guardrail's state per arm, the stops,
 * and each arm's device health.
 */
export async function stopRoutes(app: FastifyInstance, options: StopRoutesOptions): Promise<void> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const admin = async (request: FastifyRequest) => checkAdmin(request, options.adminToken);

  const find = async (key: string): Promise<ExperimentRecord> => {
    const record = await store.experiments.get(key);
    if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"; GET /v1/experiments lists them`);
    return record;
  };
  const checkArm = (record: ExperimentRecord, arm: string | undefined): void => {
    if (arm !== undefined && !record.arms.some((a) => a.name === arm))
      throw new ServerError(
        'BAD_REQUEST',
        `experiment "${record.key}" has no arm "${arm}"; its arms are ${record.arms.map((a) => a.name).join(', ')}`,
      );
  };

  app.post(
    '/v1/experiments/:key/stop',
    { onRequest: admin, schema: { params: keyParams, body: stopBody } },
    async (request) => {
      const { key } = request.params as { key: string };
      const { arm, reason } = (request.body ?? {}) as StopBody;
      const record = await find(key);
      checkArm(record, arm);
      if (arm !== undefined) refuseStoppingLast(record, arm);
      await store.experiments.stop(
        key,
        arm ?? null,
        { at: now(), by: 'admin', reason: reason ?? 'stopped by an admin' },
        'admin',
      );
      return serveExperiment(await find(key));
    },
  );

  app.post(
    '/v1/experiments/:key/resume',
    { onRequest: admin, schema: { params: keyParams, body: stopBody } },
    async (request) => {
      const { key } = request.params as { key: string };
      const { arm, reason } = (request.body ?? {}) as StopBody;
      checkArm(await find(key), arm);
      await store.experiments.resume(key, arm ?? null, 'admin', reason);
      return serveExperiment(await find(key));
    },
  );

  app.get(
    '/v1/experiments/:key/audit',
    { onRequest: admin, schema: { params: keyParams } },
    async (request) => {
      const { key } = request.params as { key: string };
      await find(key);
      return { audit: await store.experiments.audit(key) };
    },
  );

  app.get('/v1/experiments/:key/guardrails', { schema: { params: keyParams } }, async (request, reply) => {
    const { key } = request.params as { key: string };
    const record = await find(key);
    const aggregates = await store.events.aggregates(key);
    const drift = record.guardrails?.some((g) => g.metric === 'drift')
      ? driftByArm(await armDrift(store, record, Math.floor(now() / DAY_MS) * DAY_MS))
      : undefined;
    reply.header('cache-control', 'no-cache');
    return {
      key,
      guardrails: evaluateGuardrails(record, aggregates, drift),
      stops: record.stops,
      health: armHealth(record, aggregates),
    };
  });
}

/**
 * An A/B test sends a stopped arm's users to control, so control itself cannot be stopped alone;
 * and no experiment may be left with every arm stopped one by one (there would be nowhere to send
 * its users). Stopping the whole experiment says what is meant in both cases.
 */
function refuseStoppingLast(record: ExperimentRecord, arm: string): void {
  if (record.type === 'ab' && record.arms[0]?.name === arm)
    throw new ServerError(
      'CONFLICT',
      `"${arm}" is the control of A/B test "${record.key}": users of stopped arms go to it. Stop the whole experiment instead: POST /v1/experiments/${record.key}/stop with no arm`,
    );
  const stopped = new Set(record.stops.map((s) => s.arm));
  if (!stopped.has(arm) && record.arms.every((a) => a.name === arm || stopped.has(a.name)))
    throw new ServerError(
      'CONFLICT',
      `"${arm}" is the last running arm of "${record.key}". Stop the whole experiment instead: POST /v1/experiments/${record.key}/stop with no arm`,
    );
}
