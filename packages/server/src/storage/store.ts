import type { EventStore } from './event-store.js';
import type { ExperimentStore } from './experiment-store.js';
import type { LimitStore } from './limit-store.js';
import type { RegistryStore } from './registry-store.js';
import type { TaskStore } from './task-store.js';

export type { EventStore, ExperimentStore, LimitStore, RegistryStore, TaskStore };

/**
 * Everything the server persists, one part per concern, so SQLite (embedded, default) and Postgres
 * (`DATABASE_URL`) are interchangeable; `test/store-contract/` holds both to the same behaviour.
 * The parts share one connection (or pool), so a store is opened, migrated and closed as a whole.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe when several processes start at once. */
  migrate(): Promise<void>;
  /**
   * Housekeeping at start and every hour: on Postgres, the events table's daily partitions ahead of
   * time and, with a retention, dropping the expired ones; nothing on SQLite (one unpartitioned table).
   */
  maintain(now?: number): Promise<{ created: string[]; dropped: string[]; moved: number }>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly events: EventStore;
  readonly experiments: ExperimentStore;
  readonly registry: RegistryStore;
  readonly tasks: TaskStore;
  /**
   * Rate-limit counters shared by the replicas on this database (Postgres). Undefined on SQLite: one
   * process serves a file, counts in memory, and a counter there would cost a durable commit a request.
   */
  readonly limits: LimitStore | undefined;
}
