/**
 * Three server processes on one real Postgres, as the Deployment's replicas run: they start at once
 * (their migrations race), take events round-robin, and one is SIGTERMed mid-load. Every event a
 * replica acknowledged must be stored and counted exactly once.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPostgres, tryStartPostgres } from '../../packages/server/test/support/postgres.js';
import { makeBatches, sendLoad } from './support/event-load.js';
import { type Replica, startReplica, stopReplica, waitReady } from './support/replica.js';

const EXPERIMENT = 'replicas-exactly-once';
const WRITE_KEY = 'pk_replicas_test';

let postgres: TestPostgres | { skipped: string };
let databaseUrl: string;
let db: pg.Client;
const replicas: Replica[] = [];

async function lockWaits(): Promise<string[]> {
  const { rows } = await db.query<{ wait_event: string }>(
    `SELECT wait_event FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
  );
  return rows.map((row) => row.wait_event).sort();
}

beforeAll(async () => {
  postgres = await tryStartPostgres();
  if ('skipped' in postgres) return;
  databaseUrl = await postgres.createDatabase('replicas');
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map(stopReplica));
  await db?.end();
  if (postgres && !('skipped' in postgres)) await postgres.stop();
}, 30_000);

describe('three replicas on one Postgres', () => {
  // Generous timeouts: three cold `tsx` start-ups share the machine with the rest of the suite.
  it('start at once and migrate the schema exactly once, one at a time', async (context) => {
    if ('skipped' in postgres) return context.skip(postgres.skipped);

    // Hold the migrations' first table uncommitted, so the first replica to take the advisory lock
    // blocks inside it; the race is then certain, not a matter of start-up timing.
    const gate = new pg.Client({ connectionString: databaseUrl });
    await gate.connect();
    let allWaiting: number;
    let released: number;
    const started = performance.now();
    try {
      await gate.query('BEGIN');
      await gate.query('CREATE TABLE schema_migrations (gate INTEGER)');
      const env = {
        DATABASE_URL: databaseUrl,
        WRITE_KEYS: WRITE_KEY,
        ADMIN_TOKEN: 'admin-replicas',
        LOG_LEVEL: 'warn',
      };
      const names = ['replica-0', 'replica-1', 'replica-2'];
      replicas.push(...(await Promise.all(names.map((name) => startReplica(name, env)))));

      let waits: string[] = [];
      const giveUpAt = Date.now() + 40_000;
      while (waits.length < 3) {
        if (Date.now() > giveUpAt) {
          throw new Error(
            `only ${waits.length} replicas blocked on locks (${waits.join(', ')}): the gate expects each ` +
              `replica's migration to take the advisory lock, then create schema_migrations`,
          );
        }
        for (const replica of replicas) {
          if (replica.process.exitCode !== null)
            throw new Error(`${replica.name} exited:\n${replica.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
        waits = await lockWaits();
      }
      allWaiting = performance.now();
      // One replica migrates (waiting on our uncommitted table); the other two wait on its advisory lock.
      expect(waits).toEqual(['advisory', 'advisory', 'transactionid']);
    } finally {
      await gate.query('ROLLBACK').catch(() => {});
      await gate.end();
      released = performance.now();
    }
    await Promise.all(replicas.map((replica) => waitReady(replica, 30_000)));
    const ready = performance.now();
    console.log(
      `[replicas] spawn → all three blocked in migration: ${(allWaiting - started).toFixed(0)} ms; ` +
        `migrations released → all three ready: ${(ready - released).toFixed(0)} ms`,
    );

    const { rows: columns } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'schema_migrations' ORDER BY 1`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(['applied_at', 'version']);
    const { rows: versions } = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY 1',
    );
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
  }, 90_000);

  it('counts every acknowledged event exactly once when a replica is SIGTERMed mid-load', async (context) => {
    if ('skipped' in postgres) return context.skip(postgres.skipped);
    expect(replicas).toHaveLength(3);
    // Fails with the replicas' output if the start-up test left any of them down.
    await Promise.all(replicas.map((replica) => waitReady(replica, 5_000)));
    const [first, victim, third] = replicas as [Replica, Replica, Replica];
    // The collector stores events only for experiments it serves; one replica defines it for all.
    const defined = await fetch(`${first.url}/v1/experiments`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-replicas', 'content-type': 'application/json' },
      body: JSON.stringify({
        key: EXPERIMENT,
        type: 'ab',
        seed: 1,
        arms: [
          { name: 'control', model: 'iris', version: '1.0.0', weight: 1 },
          { name: 'treatment', model: 'iris', version: '1.0.0', weight: 1 },
        ],
      }),
    });
    expect(defined.status, await defined.text()).toBeLessThan(300);
    const perBatch = 40;
    const batches = makeBatches(EXPERIMENT, 90, perBatch);

    const result = await sendLoad({
      replicas,
      batches,
      writeKey: WRITE_KEY,
      concurrency: 6,
      midLoad: { afterAcknowledged: 30, replica: victim, action: () => victim.process.kill('SIGTERM') },
    });

    // The signal went out while the victim had requests in flight; it drained and exited cleanly,
    // and the others kept serving.
    expect(result.inFlightAtAction.length).toBeGreaterThan(0);
    expect(await victim.exited, victim.output()).toBe(0);
    expect(result.acknowledgedBy[victim.name]).toBeLessThan(result.acknowledgedBy[first.name]!);
    for (const survivor of [first, third]) {
      expect((await fetch(`${survivor.url}/readyz`)).status).toBe(200);
    }

    const sent = batches.length * perBatch;
    expect(result.acknowledged.size).toBe(sent);
    expect(result.accepted + result.duplicates).toBe(sent);

    const ids = [...result.acknowledged];
    const stored = await db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM events WHERE id = ANY($1)', [
      ids,
    ]);
    const total = await db.query<{ n: number }>(
      'SELECT COUNT(*)::int AS n FROM events WHERE experiment = $1',
      [EXPERIMENT],
    );
    const counted = await db.query<{ n: number }>(
      'SELECT COALESCE(SUM(exposures), 0)::int AS n FROM arm_aggregates WHERE experiment = $1',
      [EXPERIMENT],
    );
    expect(stored.rows[0]!.n).toBe(ids.length);
    expect(total.rows[0]!.n).toBe(ids.length);
    expect(counted.rows[0]!.n).toBe(ids.length);

    // A client whose acknowledgement was lost resends the batch, possibly to another replica.
    const resent = await sendLoad({
      replicas: [third, first],
      batches: batches.slice(0, 10),
      writeKey: WRITE_KEY,
      concurrency: 2,
    });
    expect({ accepted: resent.accepted, duplicates: resent.duplicates }).toEqual({
      accepted: 0,
      duplicates: 10 * perBatch,
    });
    const recounted = await db.query<{ n: number }>(
      'SELECT COALESCE(SUM(exposures), 0)::int AS n FROM arm_aggregates WHERE experiment = $1',
      [EXPERIMENT],
    );
    expect(recounted.rows[0]!.n).toBe(ids.length);

    console.log(
      `[replicas] events sent ${sent}, acknowledged ${result.acknowledged.size}, stored ${total.rows[0]!.n}, ` +
        `counted in aggregates ${counted.rows[0]!.n}; accepted ${result.accepted} + duplicates ${result.duplicates}; ` +
        `acknowledged batches by replica ${JSON.stringify(result.acknowledgedBy)}; ` +
        `in flight to ${victim.name} at SIGTERM ${JSON.stringify(result.inFlightAtAction.map((r) => r.outcome))}; ` +
        `resent after ${result.failures.length} failures ${JSON.stringify(countBy(result.failures.map((f) => f.reason)))}`,
    );
  }, 60_000);
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
