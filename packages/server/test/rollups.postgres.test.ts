// The read side of results on a real PostgreSQL: the statements the server runs to answer results,
// timeline and guardrails name the rollup and aggregate tables, never the events table.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app.js';
import { wireEvent } from './support/events.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';
import { ADMIN_TOKEN, createExperiment, sendEvents, WRITE_KEY } from './support/server.js';

const started = await tryStartPostgres();
const server = 'skipped' in started ? undefined : started;

/** The SQL text of a pg query call, whichever form it took. */
function sqlOf(args: unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return first;
  return (first as { text?: string } | undefined)?.text ?? '';
}

describe.skipIf(!server)('results read rollups, not events (PostgreSQL)', () => {
  afterAll(async () => {
    await (server as TestPostgres).stop();
  });

  it('answers results, timeline and guardrails without a statement that reads the events table', async () => {
    const url = await (server as TestPostgres).createDatabase('rollup_reads');
    const app = await buildServer({
      databaseUrl: url,
      writeKeys: [WRITE_KEY],
      adminToken: ADMIN_TOKEN,
      policyIntervalMs: 0,
      rateLimitPerMinute: 100_000,
    });
    try {
      for (const type of ['ab', 'bandit']) {
        const created = await createExperiment(app, {
          key: `reads-${type}`,
          type,
          seed: 3,
          arms: ['control', 'treatment'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
          guardrails: [{ metric: 'latency_p95', maxAbsolute: 500 }],
        });
        expect(created.statusCode, created.body).toBe(201);
        const t0 = Date.now() - 30 * 60_000;
        await sendEvents(
          app,
          Array.from({ length: 600 }, (_, i) => {
            const arm = i % 2 ? 'treatment' : 'control';
            const ts = new Date(t0 + i * 3_000).toISOString();
            const base = { experiment: `reads-${type}`, arm, userId: `u${i % 150}`, ts };
            return i % 3 === 2 ? wireEvent({ ...base, type: 'reward', value: 1 }) : wireEvent(base);
          }),
        );
      }
      const statements: string[] = [];
      // Every statement of every pooled client goes through Client#query: record its text.
      const original = pg.Client.prototype.query;
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        statements.push(sqlOf(args));
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        for (const key of ['reads-ab', 'reads-bandit']) {
          for (const path of ['results', 'timeline', 'timeline?bucketSeconds=300', 'guardrails']) {
            const res = await app.inject({ method: 'GET', url: `/v1/experiments/${key}/${path}` });
            expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
          }
        }
      } finally {
        pg.Client.prototype.query = original;
      }
      expect(statements.length).toBeGreaterThan(8);
      const readsEvents = statements.filter((sql) => /\b(FROM|JOIN)\s+events\b/i.test(sql));
      expect(readsEvents).toEqual([]);
      expect(statements.some((sql) => /\bevent_rollups\b/.test(sql))).toBe(true);
      // The timeline it answered from the rollups still counts every exposure stored.
      const timeline = (await app.inject({ method: 'GET', url: '/v1/experiments/reads-ab/timeline' })).json();
      const exposures = timeline.points.reduce(
        (s: number, p: { exposures?: number }) => s + (p.exposures ?? 0),
        0,
      );
      expect(exposures).toBe(400);
    } finally {
      await app.close();
    }
  });
});

// Printed by tryStartPostgres; the suite above reports as skipped.
