import { createHash, randomUUID } from 'node:crypto';
import { NAME_PATTERN } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { checkWriteKey, writeKeyOf } from '../http/auth.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { Store } from '../storage/store.js';
import type { OnnxPredictor, PredictRequest } from './onnx-predictor.js';
import type { TaskRunner } from './task-runner.js';
import { tensorJsonSchema } from './tensor-json.js';

export interface PredictOptions {
  store: Store;
  predictor: OnnxPredictor;
  tasks: TaskRunner;
  metrics: ServerMetrics;
  writeKeys: readonly string[];
  rateLimitPerMinute: number;
}

// Tasks are stored with a hash of the key that made them: the key itself is public, but a hash keeps
// it out of the database and lets one key's tasks stay invisible to every other key.
const ownerOf = (request: Parameters<typeof writeKeyOf>[0]) =>
  createHash('sha256')
    .update(writeKeyOf(request) ?? '')
    .digest('hex');

const NAME = { type: 'string', pattern: NAME_PATTERN } as const;
const predictSchema = {
  type: 'object',
  required: ['model', 'inputs'],
  additionalProperties: false,
  properties: {
    model: NAME,
    version: NAME,
    channel: NAME,
    inputs: { type: 'object', minProperties: 1, maxProperties: 32, additionalProperties: tensorJsonSchema },
  },
} as const;

/**
 * Remote inference for clients that cannot run a model themselves. Write key as for events.
 * POST /v1/predict answers inline; POST /v1/predict/async answers 202 `{ taskId }`, then
 * GET /v1/tasks/:id (same write key only) gives `{ status: 'pending'|'done'|'failed', result?, error? }`.
 */
export async function predictRoutes(app: FastifyInstance, options: PredictOptions): Promise<void> {
  const auth = async (request: Parameters<typeof checkWriteKey>[0]) =>
    checkWriteKey(request, options.writeKeys);
  const rateLimit = { max: options.rateLimitPerMinute, timeWindow: 60_000 };

  app.post(
    '/v1/predict',
    { onRequest: auth, schema: { body: predictSchema }, bodyLimit: 8 * 1024 * 1024, config: { rateLimit } },
    async (request) => {
      const answer = await options.predictor.predict(request.body as PredictRequest);
      options.metrics.predictions.inc({ cached: String(answer.cached) });
      return answer;
    },
  );

  app.post(
    '/v1/predict/async',
    { onRequest: auth, schema: { body: predictSchema }, bodyLimit: 8 * 1024 * 1024, config: { rateLimit } },
    async (request, reply) => {
      options.tasks.checkRoom();
      const id = randomUUID();
      await options.store.tasks.create(id, request.body, ownerOf(request));
      options.tasks.enqueue(id, request.body as PredictRequest);
      return reply.status(202).header('location', `/v1/tasks/${id}`).send({ taskId: id, status: 'pending' });
    },
  );

  app.get(
    '/v1/tasks/:id',
    {
      onRequest: auth,
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const found = await options.store.tasks.get(id);
      // Another key's task answers exactly like a missing one, so ids cannot be probed.
      const task = found && found.owner === ownerOf(request) ? found : undefined;
      if (!task) throw new ServerError('NOT_FOUND', `no task ${id}; POST /v1/predict/async returns task ids`);
      return {
        taskId: task.id,
        status: task.status,
        ...(task.status === 'done' ? { result: task.result } : {}),
        ...(task.status === 'failed' ? { error: task.error } : {}),
        createdAt: new Date(task.createdAt).toISOString(),
        updatedAt: new Date(task.updatedAt).toISOString(),
      };
    },
  );
}
