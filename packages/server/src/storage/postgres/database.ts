import pg from 'pg';
import { rowMapper } from '../row-mapping.js';
import { POSTGRES_MIGRATIONS } from './schema.js';

export const toRecord = rowMapper('parsed');

/** Any constant: every replica takes the same advisory lock, so only one migrates at a time. */
const MIGRATION_LOCK = 0x45_57_4d_47;
/** Deadlock and serialization failures are safe to retry: the transaction was rolled back. */
const RETRYABLE = new Set(['40P01', '40001']);

/** A pool per process, default synchronous_commit, so a COMMIT that returned is durable. */
export function openPool(connectionString: string, maxConnections = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` in one transaction on one pooled client, retrying it whole after a deadlock. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      const code = (error as { code?: string }).code;
      if (attempt < 5 && code && RETRYABLE.has(code)) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM schema_migrations',
      );
      for (let v = (rows[0]?.v ?? 0) + 1; v <= POSTGRES_MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        await client.query(POSTGRES_MIGRATIONS[v - 1] as string);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          v,
          Date.now(),
        ]);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
