import pgClient from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { buildServer } from '../src/app.js';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { storedEvent, wireEvent } from './support/events.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';
import { experimentsArgs, type ServerProcess, startServerProcess } from './support/server-process.js';

const started = await tryStartPostgres();
const pg = 'skipped' in started ? undefined : started;
const KEY = 'pk_replicas';

describe.skipIf(!pg)('two server processes on one PostgreSQL', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await (pg as TestPostgres).stop();
  });

  it('migrate concurrently at start, and count a batch ingested twice by both exactly once', async () => {
    const url = await (pg as TestPostgres).createDatabase('replicas');
    const env = { DATABASE_URL: url, WRITE_KEYS: KEY };
    servers.push(
      ...(await Promise.all([
        startServerProcess(experimentsArgs(), env),
        startServerProcess(experimentsArgs(), env),
      ])),
    );

    const events = Array.from({ length: 200 }, (_, i) =>
      wireEvent({
        arm: i % 2 ? 'a' : 'b',
        ts: new Date().toISOString(),
        type: i % 10 === 0 ? 'reward' : 'exposure',
        ...(i % 10 === 0 ? { value: 1 } : {}),
      }),
    );
    const send = (server: ServerProcess) =>
      fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-edgewise-key': KEY },
        body: JSON.stringify({ events }),
      }).then(async (res) => {
        expect(res.status).toBe(200);
        return (await res.json()) as { accepted: number; duplicates: number };
      });
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const results = await Promise.all([send(a), send(b), send(a), send(b)]);
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(200);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(600);

    const store = new PostgresStore(url);
    try {
      expect(await store.events.count()).toBe(200);
      const rows = await store.events.aggregates('exp');
      expect(rows.reduce((s, r) => s + r.exposures, 0)).toBe(180);
      expect(rows.reduce((s, r) => s + r.rewardCount, 0)).toBe(20);
    } finally {
      await store.close();
    }
  });

  it('folds concurrent batches touching the same users and decisions exactly, without deadlocks', async () => {
    const url = await (pg as TestPostgres).createDatabase('user_rows_race');
    const stores = [new PostgresStore(url), new PostgresStore(url)];
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      const exposures = Array.from({ length: 40 }, (_, i) =>
        storedEvent({ userId: `u${i}`, arm: i % 2 ? 'a' : 'b' }),
      );
      // 16 batches, each rewarding every user once (tied to the decision), in a different order
      const batches = Array.from({ length: 16 }, (_, b) =>
        exposures
          .map((x, i) =>
            storedEvent({
              type: 'reward',
              userId: x.userId,
              arm: x.arm,
              value: 1,
              exposureId: x.id,
              ts: x.ts + 1 + ((i * 7 + b) % 40),
            }),
          )
          .sort((p, q) => ((p.ts * 31 + b) % 97) - ((q.ts * 31 + b) % 97)),
      );
      await Promise.all([
        ...batches.map((batch, i) => (stores[i % 2] as PostgresStore).events.ingest(batch)),
        ...[exposures.slice(0, 20), exposures.slice(20)].map((batch, i) =>
          (stores[i] as PostgresStore).events.ingest(batch),
        ),
      ]);
      const rows = await (stores[0] as PostgresStore).events.aggregates('exp');
      for (const r of rows) {
        // 20 users per arm, each with 16 rewards of 1: Σs = 320, Σs² = 20 · 16²
        expect(r).toMatchObject({ users: 20, convertedUsers: 20, userRewardSum: 320, userRewardSumSq: 5120 });
        expect(r).toMatchObject({ decisions: 20, decisionRewardSum: 320, decisionRewardSumSq: 5120 });
      }
      expect(await (stores[1] as PostgresStore).events.totals('exp')).toMatchObject({
        unexposedUsers: 0,
        unknownExposureRewards: 0,
      });
      // deadlocks would have been retried and hidden; the server's statistics still count them
      const client = new pgClient.Client({ connectionString: url });
      await client.connect();
      await client.query('SELECT pg_stat_force_next_flush()').catch(() => {});
      const { rows: stat } = await client.query<{ deadlocks: string }>(
        'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()',
      );
      await client.end();
      expect(Number(stat[0]?.deadlocks)).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('three server processes with a limit of 100 per minute admit 100 in total, not 300', async () => {
    const url = await (pg as TestPostgres).createDatabase('shared_limits');
    const env = { DATABASE_URL: url, WRITE_KEYS: KEY, RATE_LIMIT_PER_MINUTE: '100' };
    const replicas = await Promise.all([
      startServerProcess(experimentsArgs(), env),
      startServerProcess(experimentsArgs(), env),
      startServerProcess(experimentsArgs(), env),
    ]);
    servers.push(...replicas);
    // One client (one write key, one address) sends 300 batches, spread over the replicas as a
    // round-robin proxy would, 30 at a time.
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            fetch(`${(replicas[i % 3] as ServerProcess).url}/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-edgewise-key': KEY },
              body: JSON.stringify({ events: [wireEvent({ ts: new Date().toISOString() })] }),
            }).then((res) => res.status),
          ),
        )),
      );
    }
    const admitted = statuses.filter((s) => s === 200).length;
    expect(admitted).toBe(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200);
    const store = new PostgresStore(url);
    try {
      expect(await store.events.count()).toBe(100);
    } finally {
      await store.close();
    }
    // The windows are unlogged: a hit writes no WAL and waits on no fsync.
    const client = new pgClient.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ p: string }>(
        "SELECT relpersistence AS p FROM pg_class WHERE relname = 'rate_limits'",
      );
      expect(rows).toEqual([{ p: 'u' }]);
    } finally {
      await client.end();
    }
  });

  it('runs an experiment’s policy on one replica at a time: the lease holder computes, the others skip', async () => {
    const url = await (pg as TestPostgres).createDatabase('policy_lease');
    const apps = await Promise.all(
      [0, 1, 2].map(() => buildServer({ databaseUrl: url, writeKeys: [KEY], policyIntervalMs: 0 })),
    );
    try {
      await apps[0]!.edgewise.store.experiments.put({
        key: 'lease',
        type: 'bandit',
        seed: 1,
        policy: 'thompson',
        arms: [
          { name: 'a', model: 'm', version: '1', weight: 1 },
          { name: 'b', model: 'm', version: '1', weight: 1 },
        ],
      });
      const reads = apps.map((app) => vi.spyOn(app.edgewise.store.events, 'aggregates'));
      // Each replica's timer fires at once, each wanting a policy at least a minute old (this one
      // has none newer than its definition, stamped now: pretend the minute has passed).
      const later = Date.now() + 120_000;
      const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
      try {
        await Promise.all(apps.map((app) => app.edgewise.policies.recomputeAll(60_000)));
      } finally {
        clock.mockRestore();
      }
      const computed = reads.reduce(
        (n, spy) => n + spy.mock.calls.filter(([key]) => key === 'lease').length,
        0,
      );
      expect(computed).toBe(1);
      expect((await apps[1]!.edgewise.store.experiments.get('lease'))?.policyVersion).toBe(2);
      // The lease is released after the run: the next run, by any replica, takes it again.
      await apps[2]!.edgewise.policies.recompute('lease');
      expect((await apps[0]!.edgewise.store.experiments.get('lease'))?.policyVersion).toBe(3);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('lets several stores migrate one database at once (advisory lock)', async () => {
    const url = await (pg as TestPostgres).createDatabase('migrate_race');
    const stores = Array.from({ length: 4 }, () => new PostgresStore(url));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]?.events.ingest([]);
      expect(await stores[1]?.events.count()).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

// Printed by tryStartPostgres; the suite above reports as skipped.
