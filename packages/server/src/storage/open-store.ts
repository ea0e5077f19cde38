import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Postgres when a URL is given (DATABASE_URL), else the embedded SQLite file. Not yet migrated. */
export function openStore(options: {
  databaseUrl?: string;
  sqlitePath?: string;
  retentionDays?: number;
}): Store {
  if (options.databaseUrl)
    return new PostgresStore(
      options.databaseUrl,
      options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {},
    );
  return new SqliteStore(options.sqlitePath ?? 'edgewise.db');
}
