import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML } from './dashboard-page.js';

/** GET /dashboard: the experiments page; its data comes from the public JSON endpoints. */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/dashboard', async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(DASHBOARD_HTML),
  );
}
