import type { Store } from '../store.js';
import { migrateSqlite, openSqlite, type SqliteDatabase } from './database.js';
import { SqliteEventStore } from './event-store.js';
import { SqliteExperimentStore } from './experiment-store.js';
import { SqliteRegistryStore } from './registry-store.js';
import { SqliteTaskStore } from './task-store.js';

/**
 * The embedded store. better-sqlite3 is synchronous; transactions are serialised by SQLite's write
 * lock across processes.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly events: SqliteEventStore;
  readonly experiments: SqliteExperimentStore;
  readonly registry: SqliteRegistryStore;
  readonly tasks: SqliteTaskStore;
  readonly limits = undefined;
  private readonly db: SqliteDatabase;

  constructor(path: string) {
    this.db = openSqlite(path);
    this.events = new SqliteEventStore(this.db);
    this.experiments = new SqliteExperimentStore(this.db);
    this.registry = new SqliteRegistryStore(this.db);
    this.tasks = new SqliteTaskStore(this.db);
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.db);
  }

  async maintain(): Promise<{ created: string[]; dropped: string[]; moved: number }> {
    return { created: [], dropped: [], moved: 0 };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
