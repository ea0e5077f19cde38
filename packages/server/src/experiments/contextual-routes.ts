import { DEVICE_CLASSES, isDeviceClass } from '@edgewise/protocol';
import { type ContextualPolicy, contextualOffPolicy, isStatsError } from '@edgewise/stats';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { keyParams } from '../http/key-params.js';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { cellKey, cellTotals, type ScoredDecision, scoreDecisions } from './composite-reward.js';
import { serveExperiment } from './served-experiment.js';

const POLICY_GRAMMAR =
  'policy is "current" (the served weights per class), an arm name (that arm everywhere), or class:arm pairs separated by commas, with "*" for every other class (e.g. "webgpu-f16:fp16,webgpu:fp16,*:int8")';

/** A candidate policy as the query names it, checked against the experiment's arms and the device classes. */
export function parsePolicy(text: string, record: ExperimentRecord): ContextualPolicy {
  const arms = new Set(record.arms.map((a) => a.name));
  const needArm = (arm: string): string => {
    if (!arms.has(arm))
      throw new ServerError(
        'BAD_REQUEST',
        `policy names arm "${arm}"; "${record.key}" has ${[...arms].join(', ')}`,
      );
    return arm;
  };
  if (text === 'current') {
    const served = serveExperiment(record);
    return (context) => {
      const weights =
        served.contextWeights?.[context as (typeof DEVICE_CLASSES)[number]] ??
        served.arms.map((a) => a.weight);
      const total = weights.reduce((s, w) => s + w, 0);
      return Object.fromEntries(served.arms.map((a, i) => [a.name, (weights[i] ?? 0) / total]));
    };
  }
  if (!text.includes(':')) {
    const arm = needArm(text);
    return () => ({ [arm]: 1 });
  }
  const byClass = new Map<string, string>();
  for (const pair of text.split(',')) {
    const [context, arm, extra] = pair.split(':');
    if (!context || !arm || extra !== undefined)
      throw new ServerError('BAD_REQUEST', `policy: "${pair}" is not class:arm; ${POLICY_GRAMMAR}`);
    if (context !== '*' && !isDeviceClass(context))
      throw new ServerError(
        'BAD_REQUEST',
        `policy: "${context}" is not a device class (${DEVICE_CLASSES.join(', ')}) or "*"`,
      );
    if (byClass.has(context)) throw new ServerError('BAD_REQUEST', `policy names class "${context}" twice`);
    byClass.set(context, needArm(arm));
  }
  return (context) => {
    const arm = byClass.get(context) ?? byClass.get('*');
    if (!arm)
      throw new ServerError(
        'BAD_REQUEST',
        `policy gives no arm for class "${context}", which the log holds; add "${context}:<arm>" or "*:<arm>"`,
      );
    return { [arm]: 1 };
  };
}

/** Candidates one OPE request may compare. */
const MAX_POLICIES = 16;
const POLICY_TEXT = { type: 'string', minLength: 1, maxLength: 2048 } as const;

async function contextualRecord(store: Store, key: string): Promise<ExperimentRecord> {
  const record = await store.experiments.get(key);
  if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"; GET /v1/experiments lists them`);
  if (record.type !== 'contextual')
    throw new ServerError(
      'CONFLICT',
      `"${key}" is of type "${record.type}"; device classes and off-policy evaluation are for contextual experiments`,
    );
  return record;
}

/** Decisions and mean composite reward per (class, arm), beside the weights served to that class now. */
export function contextTable(record: ExperimentRecord, logs: readonly ScoredDecision[]) {
  const served = serveExperiment(record);
  const cells = cellTotals(logs);
  // The classes with decisions; any other class is served the shared prior (`policyWeights`).
  const seen = new Set(logs.map((d) => d.context));
  return DEVICE_CLASSES.filter((c) => seen.has(c)).map((context) => {
    const weights = served.contextWeights?.[context] ?? served.arms.map((a) => a.weight);
    const total = weights.reduce((s, w) => s + w, 0) || 1;
    return {
      context,
      arms: record.arms.map((arm, i) => {
        const cell = cells.get(cellKey(context, arm.name));
        return {
          arm: arm.name,
          weight: (weights[i] ?? 0) / total,
          decisions: cell?.decisions ?? 0,
          meanReward: cell ? cell.rewardSum / cell.decisions : null,
        };
      }),
    };
  });
}

/**
 * GET /v1/experiments/:key/contexts: per device class, each arm's decisions, mean composite reward and
 * weight now (the dashboard's table).
 * GET /v1/experiments/:key/ope?policy=…[&policy=…]: what each candidate policy would have earned per
 * decision on the logged decisions (the objective's composite reward), by inverse propensity scoring
 * and doubly robust estimation, each with a confidence interval; beside them, what the logging policy
 * earned. Several candidates share one read of the log.
 */
export async function contextualRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  app.get('/v1/experiments/:key/contexts', { schema: { params: keyParams } }, async (request, reply) => {
    const { key } = request.params as { key: string };
    const record = await contextualRecord(options.store, key);
    const logs = scoreDecisions(await options.store.events.decisionLog(key), record.objective);
    reply.header('cache-control', 'no-cache');
    return {
      key,
      objective: record.objective ?? {},
      unit: 'composite reward per decision',
      policyVersion: record.policyVersion,
      classes: contextTable(record, logs),
    };
  });

  app.get(
    '/v1/experiments/:key/ope',
    {
      schema: {
        params: keyParams,
        querystring: {
          type: 'object',
          required: ['policy'],
          additionalProperties: false,
          properties: {
            // Repeated to compare candidates on one read of the log; a single value is a list of one.
            policy: {
              anyOf: [
                POLICY_TEXT,
                { type: 'array', minItems: 1, maxItems: MAX_POLICIES, items: POLICY_TEXT },
              ],
            },
            alpha: { type: 'string', pattern: '^0?\\.[0-9]+$' },
          },
        },
      },
    },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      const { policy, alpha } = request.query as { policy: string | string[]; alpha?: string };
      const policies = Array.isArray(policy) ? policy : [policy];
      const record = await contextualRecord(options.store, key);
      const targets = policies.map((policy) => ({ policy, target: parsePolicy(policy, record) }));
      const logs = scoreDecisions(await options.store.events.decisionLog(key), record.objective);
      if (logs.length < 2)
        throw new ServerError(
          'CONFLICT',
          `"${key}" has ${logs.length} logged decisions; OPE needs at least 2`,
        );
      const level = alpha === undefined ? 0.05 : Number(alpha);
      const estimates = targets.map(({ policy, target }) => {
        try {
          const { ips, doublyRobust, effectiveSampleSize } = contextualOffPolicy(logs, target, {
            alpha: level,
          });
          return { policy, ips, doublyRobust, effectiveSampleSize };
        } catch (error) {
          if (isStatsError(error))
            throw new ServerError('CONFLICT', `cannot estimate "${policy}": ${error.message}`);
          throw error;
        }
      });
      reply.header('cache-control', 'no-cache');
      return {
        key,
        alpha: level,
        objective: record.objective ?? {},
        unit: 'composite reward per decision',
        decisions: logs.length,
        logged: { value: logs.reduce((s, d) => s + d.reward, 0) / logs.length },
        estimates,
      };
    },
  );
}
