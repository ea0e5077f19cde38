import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Postgres when a URL is given (DATABASE_URL), else the embedded SQLite file. Not yet migrated. */
export function openStore(options: { databaseUrl?: string; sqlitePath?: string }): Store {
  if (options.databaseUrl) return new PostgresStore(options.databaseUrl);
  return new SqliteStore(options.sqlitePath ?? 'edgewise.db');
}
