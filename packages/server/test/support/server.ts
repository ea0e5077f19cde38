import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/index.js';
import type { ExperimentDefinition } from '../../src/storage/records.js';

export const WRITE_KEY = 'pk_test_1';
export const ADMIN_TOKEN = 'admin-secret-token-123';
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const modelsRoot = join(repoRoot, 'models');

/** The server time tests run at: a few hours after the fixtures' events (support/events.ts). */
export const TEST_NOW = Date.parse('2026-11-25T18:00:00Z');

/** The experiment the fixtures' events name by default, so the collector stores them. */
export const TEST_EXPERIMENT: ExperimentDefinition = {
  key: 'exp',
  type: 'ab',
  seed: 1,
  arms: ['control', 'a', 'b'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
};

/**
 * An in-memory SQLite server with one write key and an admin token; no policy timer. Its clock is
 * pinned at TEST_NOW, so the fixtures' fixed timestamps stay inside the collector's window.
 */
export function testServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  return buildServer({
    writeKeys: [WRITE_KEY],
    adminToken: ADMIN_TOKEN,
    policyIntervalMs: 0,
    now: () => TEST_NOW,
    ...options,
  });
}

/** A test server that serves TEST_EXPERIMENT, for tests that post the default fixture events. */
export function eventServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  return testServer({ experiments: [TEST_EXPERIMENT], ...options });
}

export const writeHeaders = { authorization: `Bearer ${WRITE_KEY}` };
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Defines an experiment as an admin would. */
export function createExperiment(app: FastifyInstance, body: object) {
  return app.inject({ method: 'POST', url: '/v1/experiments', headers: adminHeaders, payload: body });
}

/** Sends events in batches of the collector's maximum, and fails the test on any batch not stored whole. */
export async function sendEvents(app: FastifyInstance, events: readonly object[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: writeHeaders,
      payload: { events: events.slice(i, i + 500) },
    });
    if (res.statusCode !== 200) throw new Error(`POST /v1/events answered ${res.statusCode}: ${res.body}`);
  }
}
