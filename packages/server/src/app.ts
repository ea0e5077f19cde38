import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { addIsolationHeaders } from './isolation-headers.js';

export interface ServerOptions {
  /** Folder with the built demo app (or any static site) served at `/`. */
  staticRoot?: string;
  /** Folder with model files served at `/models/`. */
  modelsRoot?: string;
  logger?: boolean;
}

export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  addIsolationHeaders(app);

  app.get('/healthz', async () => ({ status: 'ok' }));

  if (options.modelsRoot) {
    await app.register(fastifyStatic, {
      root: options.modelsRoot,
      prefix: '/models/',
      decorateReply: false,
      immutable: false,
      cacheControl: true,
      acceptRanges: true,
    });
  }
  if (options.staticRoot) {
    await app.register(fastifyStatic, { root: options.staticRoot, prefix: '/', wildcard: true });
  }
  return app;
}
