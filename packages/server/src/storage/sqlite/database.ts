import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { rowMapper } from '../row-mapping.js';
import { SQLITE_MIGRATIONS } from './schema.js';

export type SqliteDatabase = Database.Database;

export const toRecord = rowMapper('text');

/**
 * WAL with synchronous=FULL: a commit is on disk before it returns, so an acknowledged write survives
 * a kill or a power cut. One connection per process, shared by every part of the store.
 */
export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Runs `work` in a BEGIN IMMEDIATE transaction: taking the write lock up front means a read-then-write
 * cannot be overtaken by another process between its read and its write.
 */
export function immediate<T>(db: SqliteDatabase, work: () => T): T {
  return db.transaction(work).immediate();
}

export function migrateSqlite(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  // Under the write lock, two processes starting on one file migrate one at a time.
  immediate(db, () => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    for (let v = (row.v ?? 0) + 1; v <= SQLITE_MIGRATIONS.length; v++) {
      db.exec(SQLITE_MIGRATIONS[v - 1] as string);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(v, Date.now());
    }
  });
}
