import type pg from 'pg';
import type { LimitStore } from '../limit-store.js';

/**
 * One row per key: the upsert restarts an expired window or counts into the current one under the
 * row's lock, so concurrent hits from any replica are counted exactly once each. One round trip a hit.
 */
const HIT = `
INSERT INTO rate_limits AS r (key, window_start, window_ms, hits) VALUES ($1, $2, $3, 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN r.window_start + r.window_ms <= $2 THEN 1 ELSE r.hits + 1 END,
  window_start = CASE WHEN r.window_start + r.window_ms <= $2 THEN $2 ELSE r.window_start END,
  window_ms = CASE WHEN r.window_start + r.window_ms <= $2 THEN $3 ELSE r.window_ms END
RETURNING hits, window_start, window_ms`;

export class PostgresLimitStore implements LimitStore {
  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; ttlMs: number }> {
    const { rows } = await this.pool.query<{ hits: number; window_start: string; window_ms: number }>({
      name: 'edgewise-rate-limit-hit',
      text: HIT,
      values: [key, now, windowMs],
    });
    const row = rows[0]!;
    return { count: row.hits, ttlMs: Math.max(0, Number(row.window_start) + row.window_ms - now) };
  }

  async prune(now: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM rate_limits WHERE window_start + window_ms <= $1',
      [now],
    );
    return rowCount ?? 0;
  }
}
