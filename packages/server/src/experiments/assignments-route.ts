import { type Attributes, DEVICE_CLASSES, type DeviceClass, type Holdout } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { checkWriteKey } from '../http/auth.js';
import type { Store } from '../storage/store.js';
import { serveExperiment } from './served-experiment.js';
import { assignAll } from './server-assignment.js';

export interface AssignmentsOptions {
  store: Store;
  writeKeys: readonly string[];
  holdout: Holdout | undefined;
}

const MAX_ATTRIBUTES_BYTES = 16 * 1024;

const assignmentsSchema = {
  type: 'object',
  required: ['userId'],
  additionalProperties: false,
  properties: {
    userId: { type: 'string', minLength: 1, maxLength: 256 },
    attributes: { type: 'object' },
    deviceClass: { type: 'string', enum: DEVICE_CLASSES },
  },
} as const;

/**
 * POST /v1/assignments (write key): `{ userId, attributes?, deviceClass? }` → every experiment's arm for that user,
 * as the SDK would choose it, for backends and server-rendered pages that have no SDK.
 */
export async function assignmentsRoutes(app: FastifyInstance, options: AssignmentsOptions): Promise<void> {
  const auth = async (request: Parameters<typeof checkWriteKey>[0]) =>
    checkWriteKey(request, options.writeKeys);
  app.post('/v1/assignments', { onRequest: auth, schema: { body: assignmentsSchema } }, async (request) => {
    const {
      userId,
      attributes = {},
      deviceClass,
    } = request.body as { userId: string; attributes?: Attributes; deviceClass?: DeviceClass };
    if (JSON.stringify(attributes).length > MAX_ATTRIBUTES_BYTES) {
      throw new ServerError(
        'BAD_REQUEST',
        `body.attributes is over ${MAX_ATTRIBUTES_BYTES / 1024} KiB; send only what conditions test`,
      );
    }
    const experiments = (await options.store.experiments.list()).map(serveExperiment);
    return { assignments: assignAll(userId, attributes, experiments, options.holdout, deviceClass) };
  });
}
