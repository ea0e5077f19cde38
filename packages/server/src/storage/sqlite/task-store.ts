import type { TaskRecord } from '../records.js';
import type { TaskRow } from '../row-mapping.js';
import type { TaskOutcome, TaskStore } from '../task-store.js';
import { type SqliteDatabase, toRecord } from './database.js';

export class SqliteTaskStore implements TaskStore {
  constructor(private readonly db: SqliteDatabase) {}

  async create(id: string, request: unknown, owner?: string): Promise<TaskRecord> {
    const now = Date.now();
    this.db
      .prepare(
        "INSERT INTO tasks (id, status, request, owner, created_at, updated_at) VALUES (?, 'pending', ?, ?, ?, ?)",
      )
      .run(id, JSON.stringify(request), owner ?? null, now, now);
    return (await this.get(id)) as TaskRecord;
  }

  async finish(id: string, outcome: TaskOutcome): Promise<void> {
    const done = 'result' in outcome;
    this.db
      .prepare(
        "UPDATE tasks SET status = ?, result = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
      )
      .run(
        done ? 'done' : 'failed',
        done ? JSON.stringify(outcome.result) : null,
        done ? null : outcome.error,
        Date.now(),
        id,
      );
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
    return row ? toRecord.task(row) : undefined;
  }

  async pending(limit: number): Promise<TaskRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM tasks WHERE status = 'pending' ORDER BY created_at LIMIT ?")
      .all(limit) as TaskRow[];
    return rows.map(toRecord.task);
  }

  async deleteExpired(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM tasks WHERE updated_at < ?').run(before).changes;
  }
}
