import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import type { EventRecord } from '../src/storage/records.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { wireEvent } from './support/events.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';
import { experimentsArgs, startServerProcess } from './support/server-process.js';

const KEY = 'pk_durability';
const BATCH = 20;
const CONCURRENCY = 8;
const KILL_AFTER_ACKS = 40;

const started = await tryStartPostgres();
const pg = 'skipped' in started ? undefined : started;

/**
 * Sends batches from several connections, SIGKILLs the server after KILL_AFTER_ACKS acknowledgements,
 * then checks every acknowledged id is in the database.
 */
async function killUnderLoad(args: string[], env: Record<string, string>, open: () => Promise<Store>) {
  const server = await startServerProcess([...args, ...experimentsArgs()], {
    WRITE_KEYS: KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  });
  const acknowledged: { id: string; ts: number }[] = [];
  let acks = 0;
  let refused = 0;
  let killed = false;

  const sender = async () => {
    while (!killed) {
      const events = Array.from({ length: BATCH }, (_, i) =>
        wireEvent({ arm: i % 2 ? 'a' : 'b', ts: new Date().toISOString() }),
      );
      try {
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ events }),
        });
        if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        await res.json();
        acknowledged.push(...events.map((e) => ({ id: e.id as string, ts: Date.parse(e.ts as string) })));
        if (++acks === KILL_AFTER_ACKS) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      } catch (error) {
        // Requests cut off by the kill are unacknowledged: the client would retry them.
        if (!killed) throw error;
        refused++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, sender));
  expect(await server.exited).toBe('SIGKILL');

  const store = await open();
  try {
    await store.migrate();
    const stored = await store.events.count();
    // Re-sending an acknowledged event (its id and its time, as a retry does) must count as a
    // duplicate: that is how we see it is on disk.
    const { duplicates } = await store.events.ingest(acknowledged.map(probe));
    const lost = acknowledged.length - duplicates;
    console.info(
      `[durability:${store.kind}] acknowledged ${acknowledged.length} events in ${acks} batches, ${refused} requests cut off, ${stored} rows on disk, ${lost} lost`,
    );
    expect(acks).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(lost).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(acknowledged.length);
  } finally {
    await store.close();
  }
}

describe('durability', () => {
  afterAll(async () => {
    await pg?.stop();
  });

  it('loses no acknowledged batch when the server is SIGKILLed under load (SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-kill-'));
    const db = join(dir, 'events.db');
    await killUnderLoad(['--db', db], {}, async () => new SqliteStore(db));
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!pg)(
    'loses no acknowledged batch when the server is SIGKILLed under load (PostgreSQL)',
    async () => {
      const url = await (pg as TestPostgres).createDatabase('kill');
      try {
        await killUnderLoad([], { DATABASE_URL: url }, async () => new PostgresStore(url));
      } finally {
        await (pg as TestPostgres).stop();
      }
    },
  );
});

function probe({ id, ts }: { id: string; ts: number }): EventRecord {
  return {
    id,
    type: 'exposure' as const,
    userId: 'probe',
    experiment: 'probe',
    arm: 'probe',
    probability: 1,
    modelVersion: 'probe',
    value: null,
    latencyMs: null,
    ts,
    variant: null,
    policyVersion: null,
    exposureId: null,
    reason: null,
    code: null,
    sampleRate: null,
  };
}
