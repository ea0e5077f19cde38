import { checkModelSummary, NAME_PATTERN } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { checkAdmin } from '../http/auth.js';
import { keyParams } from '../http/key-params.js';
import type { Manifest } from '../registry/manifest-types.js';
import type { StoredSummary } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { armDrift, DAY_MS } from './arm-drift.js';

export interface DriftOptions {
  store: Store;
  adminToken: string | undefined;
  /** The models folder's manifest: its versions may have baselines too. */
  fileManifest: Manifest | undefined;
  /** The server's clock, whose UTC day is the default `day` (tests pin it). Default Date.now. */
  now?: () => number;
}

const DAY_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * PUT /v1/models/:name/:version/baseline (admin): the summary drift is measured against, computed at
 * publish (`edgewise-models publish --baseline`), with optional thresholds; replaces an earlier one.
 * GET the same path: it back. GET /v1/experiments/:key/drift?day=YYYY-MM-DD (UTC, default today):
 * per arm and file run, the day's device summaries merged and compared with that file's baseline.
 */
export async function driftRoutes(app: FastifyInstance, options: DriftOptions): Promise<void> {
  const { store } = options;
  const admin = async (request: Parameters<typeof checkAdmin>[0]) => checkAdmin(request, options.adminToken);
  const versionParams = {
    type: 'object',
    required: ['name', 'version'],
    properties: {
      name: { type: 'string', pattern: NAME_PATTERN },
      version: { type: 'string', pattern: NAME_PATTERN },
    },
  } as const;
  const variantQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { variant: { type: 'string', pattern: NAME_PATTERN } },
  } as const;

  const requireVersion = async (name: string, version: string) => {
    if (options.fileManifest?.models[name]?.versions[version]) return;
    if (await store.registry.get(name, version)) return;
    throw new ServerError('NOT_FOUND', `no model ${name}@${version}; publish it first (POST /v1/models)`);
  };

  app.put(
    '/v1/models/:name/:version/baseline',
    {
      onRequest: admin,
      schema: {
        params: versionParams,
        body: {
          type: 'object',
          required: ['summary'],
          additionalProperties: false,
          properties: {
            summary: { type: 'object' },
            variant: { type: 'string', pattern: NAME_PATTERN },
            thresholds: {
              type: 'object',
              additionalProperties: false,
              properties: {
                psi: { type: 'number', exclusiveMinimum: 0 },
                ks: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const { name, version } = request.params as { name: string; version: string };
      const body = request.body as {
        summary: unknown;
        variant?: string;
        thresholds?: { psi?: number; ks?: number };
      };
      await requireVersion(name, version);
      const broken = checkModelSummary(body.summary);
      if (broken)
        throw new ServerError('BAD_REQUEST', `body.summary${broken[0] ? `.${broken[0]}` : ''} ${broken[1]}`);
      const summary = body.summary as StoredSummary['summary'];
      await store.registry.putBaseline({
        name,
        version,
        variant: body.variant ?? '',
        summary,
        ...(body.thresholds ? { thresholds: body.thresholds } : {}),
        createdAt: Date.now(),
      });
      return { name, version, variant: body.variant ?? null, predictions: summary.predictions };
    },
  );

  app.get(
    '/v1/models/:name/:version/baseline',
    { schema: { params: versionParams, querystring: variantQuery } },
    async (request) => {
      const { name, version } = request.params as { name: string; version: string };
      const { variant } = request.query as { variant?: string };
      const baseline = await store.registry.baseline(name, version, variant ?? '');
      if (!baseline)
        throw new ServerError(
          'NOT_FOUND',
          `${name}@${version}${variant ? ` (${variant})` : ''} has no baseline; set one with PUT /v1/models/${name}/${version}/baseline or edgewise-models publish --baseline`,
        );
      return baseline;
    },
  );

  app.get(
    '/v1/experiments/:key/drift',
    {
      schema: {
        params: keyParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { day: { type: 'string', pattern: DAY_PATTERN } },
        },
      },
    },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      const { day } = request.query as { day?: string };
      const record = await store.experiments.get(key);
      if (!record)
        throw new ServerError('NOT_FOUND', `no experiment "${key}"; GET /v1/experiments lists them`);
      const from = day
        ? Date.parse(`${day}T00:00:00Z`)
        : Math.floor((options.now ?? Date.now)() / DAY_MS) * DAY_MS;
      if (!Number.isFinite(from))
        throw new ServerError('BAD_REQUEST', `day must be a date as YYYY-MM-DD, got "${day}"`);
      const arms = await armDrift(store, record, from);
      reply.header('cache-control', 'no-cache');
      return { key, day: new Date(from).toISOString().slice(0, 10), arms };
    },
  );
}
