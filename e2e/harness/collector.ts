// The real server in-process, listening on loopback, as the pages' collector: the write key and
// admin token given, the page origin allowed, no policy timer, the experiments created through the
// admin API (so each definition passes the same checks a user's would).
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../packages/server/src/index.js';

export interface Collector {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  api: string;
}

export async function startCollector(options: {
  writeKey: string;
  adminToken: string;
  /** The page server's origin, for CORS; omit when only Node calls it. */
  origin?: string;
  experiments: readonly object[];
  server?: ServerOptions;
}): Promise<Collector> {
  const app = await buildServer({
    writeKeys: [options.writeKey],
    adminToken: options.adminToken,
    ...(options.origin ? { corsOrigins: [options.origin] } : {}),
    policyIntervalMs: 0,
    rateLimitPerMinute: 100_000,
    ...options.server,
  });
  const api = await app.listen({ host: '127.0.0.1', port: 0 });
  for (const experiment of options.experiments) {
    const created = await fetch(`${api}/v1/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.adminToken}` },
      body: JSON.stringify(experiment),
    });
    if (created.status !== 201) {
      await app.close();
      throw new Error(`creating experiment failed (${created.status}): ${await created.text()}`);
    }
  }
  return { app, api };
}
