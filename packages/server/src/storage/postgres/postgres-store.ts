import type pg from 'pg';
import type { Store } from '../store.js';
import { migratePostgres, openPool } from './database.js';
import { PostgresEventStore } from './event-store.js';
import { PostgresExperimentStore } from './experiment-store.js';
import { PostgresLimitStore } from './limit-store.js';
import { ACCEPTED_PAST_DAYS, maintainPartitions, type PartitionReport } from './partitions.js';
import { PostgresRegistryStore } from './registry-store.js';
import { PostgresTaskStore } from './task-store.js';

/** Postgres behind the Store interface; its parts share one pool. */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly events: PostgresEventStore;
  readonly experiments: PostgresExperimentStore;
  readonly registry: PostgresRegistryStore;
  readonly tasks: PostgresTaskStore;
  readonly limits: PostgresLimitStore;
  private readonly pool: pg.Pool;

  private readonly retentionDays: number | undefined;

  /** `retentionDays`: raw events are kept this long (at least 31 days, the collector's window), then dropped by the day. */
  constructor(connectionString: string, options: { maxConnections?: number; retentionDays?: number } = {}) {
    if (options.retentionDays !== undefined && !(options.retentionDays > ACCEPTED_PAST_DAYS)) {
      throw new Error(
        `event retention must be more than ${ACCEPTED_PAST_DAYS} days (the collector accepts events up to ${ACCEPTED_PAST_DAYS} days old), got ${options.retentionDays}`,
      );
    }
    this.retentionDays = options.retentionDays;
    this.pool = openPool(connectionString, options.maxConnections);
    this.events = new PostgresEventStore(this.pool);
    this.experiments = new PostgresExperimentStore(this.pool);
    this.registry = new PostgresRegistryStore(this.pool);
    this.tasks = new PostgresTaskStore(this.pool);
    this.limits = new PostgresLimitStore(this.pool);
  }

  async migrate(): Promise<void> {
    await migratePostgres(this.pool);
    await this.maintain();
  }

  maintain(now = Date.now()): Promise<PartitionReport> {
    return maintainPartitions(this.pool, {
      now,
      ...(this.retentionDays !== undefined ? { retentionDays: this.retentionDays } : {}),
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
