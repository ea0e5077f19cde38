import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/index.js';

export const WRITE_KEY = 'pk_test_1';
export const ADMIN_TOKEN = 'admin-secret-token-123';
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const modelsRoot = join(repoRoot, 'models');

/** An in-memory SQLite server with one write key and an admin token; no policy timer. */
export function testServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  return buildServer({ writeKeys: [WRITE_KEY], adminToken: ADMIN_TOKEN, policyIntervalMs: 0, ...options });
}

export const writeHeaders = { authorization: `Bearer ${WRITE_KEY}` };
export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };
