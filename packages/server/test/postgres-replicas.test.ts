import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { wireEvent } from './support/events.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

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
    servers.push(...(await Promise.all([startServerProcess([], env), startServerProcess([], env)])));

    const events = Array.from({ length: 200 }, (_, i) =>
      wireEvent({
        arm: i % 2 ? 'a' : 'b',
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
