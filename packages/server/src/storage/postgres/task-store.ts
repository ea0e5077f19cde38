import type pg from 'pg';
import type { TaskRecord } from '../records.js';
import type { TaskRow } from '../row-mapping.js';
import type { TaskOutcome, TaskStore } from '../task-store.js';
import { toRecord } from './database.js';

export class PostgresTaskStore implements TaskStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(id: string, request: unknown, owner?: string): Promise<TaskRecord> {
    const now = Date.now();
    const { rows } = await this.pool.query<TaskRow>(
      `INSERT INTO tasks (id, status, request, owner, created_at, updated_at) VALUES ($1, 'pending', $2, $3, $4, $4) RETURNING *`,
      [id, JSON.stringify(request), owner ?? null, now],
    );
    return toRecord.task(rows[0] as TaskRow);
  }

  async finish(id: string, outcome: TaskOutcome): Promise<void> {
    const done = 'result' in outcome;
    await this.pool.query(
      `UPDATE tasks SET status = $1, result = $2, error = $3, updated_at = $4 WHERE id = $5 AND status = 'pending'`,
      [
        done ? 'done' : 'failed',
        done ? JSON.stringify(outcome.result) : null,
        done ? null : outcome.error,
        Date.now(),
        id,
      ],
    );
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const { rows } = await this.pool.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
    return rows[0] ? toRecord.task(rows[0]) : undefined;
  }

  async pending(limit: number): Promise<TaskRecord[]> {
    const { rows } = await this.pool.query<TaskRow>(
      "SELECT * FROM tasks WHERE status = 'pending' ORDER BY created_at LIMIT $1",
      [limit],
    );
    return rows.map(toRecord.task);
  }

  async deleteExpired(before: number): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM tasks WHERE updated_at < $1', [before]);
    return rowCount ?? 0;
  }
}
