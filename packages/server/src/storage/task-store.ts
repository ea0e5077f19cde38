import type { TaskRecord } from './records.js';

export type TaskOutcome = { result: unknown } | { error: string };

/** Async prediction tasks, kept in the database so any replica can answer for them. */
export interface TaskStore {
  /** `owner`: a hash of the write key that asked, so only that key reads the task back. */
  create(id: string, request: unknown, owner?: string): Promise<TaskRecord>;
  /** Only a pending task is finished; a second outcome for the same id is ignored. */
  finish(id: string, outcome: TaskOutcome): Promise<void>;
  get(id: string): Promise<TaskRecord | undefined>;
  /** Tasks still pending (e.g. their process died), oldest first. */
  pending(limit: number): Promise<TaskRecord[]>;
  /** Deletes tasks last updated before `before` (ms since epoch); resolves with how many. */
  deleteExpired(before: number): Promise<number>;
}
