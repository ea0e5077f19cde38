import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import type { Store } from '../src/storage/store.js';
import { storeContract } from './store-contract/index.js';
import { type TestPostgres, tryStartPostgres } from './support/postgres.js';

const started = await tryStartPostgres();
const server = 'skipped' in started ? undefined : started;

describe.skipIf(!server)('Store contract on PostgreSQL', () => {
  const pg = server as TestPostgres;
  const opened: Store[] = [];
  let n = 0;
  afterAll(async () => {
    for (const store of opened) await store.close();
    await pg.stop();
  });
  const fresh = async () => {
    const store = new PostgresStore(await pg.createDatabase(`contract_${n++}`));
    opened.push(store);
    await store.migrate();
    return store;
  };
  storeContract(fresh);

  it('counts shared rate-limit windows per key, restarts one that ended, and prunes ended ones', async () => {
    const { limits } = await fresh();
    const t0 = 1_800_000_000_000;
    const hits = await Promise.all(Array.from({ length: 50 }, () => limits.hit('k', 60_000, t0)));
    // Concurrent hits are each counted once: the counts are exactly 1…50.
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(await limits.hit('k', 60_000, t0 + 59_000)).toEqual({ count: 51, ttlMs: 1_000 });
    expect(await limits.hit('other', 60_000, t0 + 59_000)).toEqual({ count: 1, ttlMs: 60_000 });
    expect(await limits.hit('k', 60_000, t0 + 60_000)).toEqual({ count: 1, ttlMs: 60_000 });
    expect(await limits.prune(t0 + 119_000)).toBe(1);
    expect(await limits.prune(t0 + 120_000)).toBe(1);
  });
});

// Printed by tryStartPostgres; the suite above reports as skipped.
