import { afterAll, describe } from 'vitest';
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
  storeContract(async () => {
    const store = new PostgresStore(await pg.createDatabase(`contract_${n++}`));
    opened.push(store);
    await store.migrate();
    return store;
  });
});

// Printed by tryStartPostgres; the suite above reports as skipped.
