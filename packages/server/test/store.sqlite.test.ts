import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { storeContract } from './store-contract/index.js';

describe('Store contract on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ew-sqlite-'));
  const opened: Store[] = [];
  let n = 0;
  afterAll(async () => {
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  storeContract(async () => {
    const store = new SqliteStore(join(dir, `db-${n++}.sqlite`));
    opened.push(store);
    await store.migrate();
    return store;
  });
});
