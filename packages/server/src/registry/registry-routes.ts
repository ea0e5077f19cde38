import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { NAME_PATTERN } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { ServerError } from '../errors.js';
import { checkAdmin } from '../http/auth.js';
import type { ModelVersionRecord, VersionStatus } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { parseRange } from './byte-range.js';
import type { Manifest } from './manifest-types.js';
import { mergeManifest, publishedFileUrl } from './merge-manifest.js';
import { parsePublishMetadata } from './publish-metadata.js';
import { checkChannelTarget, checkTransition } from './status-rules.js';
import { checkDeclaredSpecs, loadModelTensors, sniffFormat } from './validate-model.js';

export interface RegistryOptions {
  store: Store;
  adminToken: string | undefined;
  /** The models folder's manifest, URLs already absolute; its versions are read-only here. */
  fileManifest: Manifest | undefined;
  modelBodyLimitBytes: number;
}

const NAME = NAME_PATTERN;
const nameVersion = {
  type: 'object',
  required: ['name', 'version'],
  properties: { name: { type: 'string', pattern: NAME }, version: { type: 'string', pattern: NAME } },
} as const;

/**
 * The model registry: publish (admin), status and channel changes (admin), the merged manifest, and
 * published files served immutably (ETag = sha256, byte ranges).
 */
export async function registryRoutes(app: FastifyInstance, options: RegistryOptions): Promise<void> {
  const { store } = options;
  const admin = async (request: Parameters<typeof checkAdmin>[0]) => checkAdmin(request, options.adminToken);

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const statusOf = async (name: string, version: string): Promise<ModelVersionRecord> => {
    const record = await store.registry.get(name, version);
    if (record) return record;
    if (options.fileManifest?.models[name]?.versions[version]) {
      throw new ServerError(
        'CONFLICT',
        `${name}@${version} comes from the models folder's manifest.json, which the server does not edit; publish it with POST /v1/models to manage it here`,
      );
    }
    throw new ServerError('NOT_FOUND', `no model ${name}@${version}; publish it with POST /v1/models first`);
  };

  app.post(
    '/v1/models',
    { bodyLimit: options.modelBodyLimitBytes, onRequest: admin },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw new ServerError(
          'BAD_REQUEST',
          'body must be the model file with content-type application/octet-stream; metadata goes in the x-edgewise-model header',
        );
      }
      const meta = parsePublishMetadata(request.headers['x-edgewise-model']);
      const bytes = new Uint8Array(request.body);
      const label = `${meta.name}@${meta.version}`;
      const sniffed = sniffFormat(bytes);
      if (meta.format && meta.format !== sniffed) {
        throw new ServerError(
          'BAD_REQUEST',
          `x-edgewise-model: format says ${meta.format} but the bytes are ${sniffed}`,
        );
      }
      if (options.fileManifest?.models[meta.name]?.versions[meta.version]) {
        throw new ServerError(
          'CONFLICT',
          `${label} already exists in the models folder's manifest; pick a new version`,
        );
      }
      const info = await loadModelTensors(bytes, sniffed, label);
      checkDeclaredSpecs(label, 'inputs', meta.inputs, info.inputs);
      checkDeclaredSpecs(label, 'outputs', meta.outputs, info.outputs);
      const status = meta.status ?? 'candidate';
      for (const channel of meta.channels ?? []) checkChannelTarget(label, channel, status);
      const record: ModelVersionRecord = {
        name: meta.name,
        version: meta.version,
        format: sniffed,
        quantization: meta.quantization ?? 'fp32',
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
        // From the model, never the header: predict checks inputs against these.
        inputs: info.inputs,
        outputs: info.outputs,
        ...(meta.metrics ? { metrics: meta.metrics } : {}),
        ...(meta.labels ? { labels: meta.labels } : {}),
        status,
        createdAt: Date.now(),
      };
      await store.registry.publish(record, bytes);
      for (const channel of meta.channels ?? [])
        await store.registry.setChannel({ name: meta.name, channel, version: meta.version });
      return reply.status(201).send({ ...record, url: publishedFileUrl(record.name, record.version) });
    },
  );

  app.post(
    '/v1/models/:name/:version/status',
    {
      onRequest: admin,
      schema: {
        params: nameVersion,
        body: {
          type: 'object',
          required: ['status'],
          additionalProperties: false,
          properties: { status: { enum: ['candidate', 'approved', 'retired'] } },
        },
      },
    },
    async (request) => {
      const { name, version } = request.params as { name: string; version: string };
      const { status } = request.body as { status: VersionStatus };
      const record = await statusOf(name, version);
      checkTransition(`${name}@${version}`, record.status, status);
      if (status === 'retired') {
        const onChannel = (await store.registry.listChannels()).find(
          (c) => c.name === name && c.version === version,
        );
        if (onChannel) {
          throw new ServerError(
            'CONFLICT',
            `${name}@${version} is on channel "${onChannel.channel}"; move the channel to another version before retiring it`,
          );
        }
      }
      await store.registry.setStatus(name, version, status);
      return { ...record, status };
    },
  );

  app.put(
    '/v1/models/:name/channels/:channel',
    {
      onRequest: admin,
      schema: {
        params: {
          type: 'object',
          required: ['name', 'channel'],
          properties: { name: { type: 'string', pattern: NAME }, channel: { type: 'string', pattern: NAME } },
        },
        body: {
          type: 'object',
          required: ['version'],
          additionalProperties: false,
          properties: { version: { type: 'string', pattern: NAME } },
        },
      },
    },
    async (request) => {
      const { name, channel } = request.params as { name: string; channel: string };
      const { version } = request.body as { version: string };
      const record = await statusOf(name, version);
      checkChannelTarget(`${name}@${version}`, channel, record.status);
      await store.registry.setChannel({ name, channel, version });
      return { name, channel, version };
    },
  );

  app.get('/v1/manifest', async (request, reply) => {
    const manifest = mergeManifest(
      options.fileManifest,
      await store.registry.list(),
      await store.registry.listChannels(),
    );
    const { generatedAt: _, ...stable } = manifest;
    const etag = `"${createHash('sha256').update(JSON.stringify(stable)).digest('base64url').slice(0, 27)}"`;
    // Clients revalidate every time (cheap 304s) so a status or channel change reaches them at once.
    reply.header('cache-control', 'no-cache').header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return manifest;
  });

  app.get('/v1/models/:name/:version/file', { schema: { params: nameVersion } }, async (request, reply) => {
    const { name, version } = request.params as { name: string; version: string };
    const record = await store.registry.get(name, version);
    if (!record) throw new ServerError('NOT_FOUND', `no published model ${name}@${version}`);
    const size = record.bytes;
    const etag = `"${record.sha256}"`;
    reply
      .header('etag', etag)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('accept-ranges', 'bytes')
      .header('content-type', 'application/octet-stream');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    const ifRange = request.headers['if-range'];
    const range =
      ifRange && ifRange !== etag ? { kind: 'full' as const } : parseRange(request.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      return reply.status(416).header('content-range', `bytes */${size}`).send();
    }
    // Streamed a stored chunk at a time (see storage/model-chunks.ts), never the whole file.
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
    if (range.kind === 'partial') reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    reply.header('content-length', String(end - start + 1));
    if (size === 0) return reply.send(Buffer.alloc(0));
    return reply.send(Readable.from(store.registry.readRange(name, version, start, end)));
  });
}
