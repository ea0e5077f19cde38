import type pg from 'pg';
import type { Store } from '../store.js';
import { migratePostgres, openPool } from './database.js';
import { PostgresEventStore } from './event-store.js';
import { PostgresExperimentStore } from './experiment-store.js';
import { PostgresLimitStore } from './limit-store.js';
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

  constructor(connectionString: string, options: { maxConnections?: number } = {}) {
    this.pool = openPool(connectionString, options.maxConnections);
    this.events = new PostgresEventStore(this.pool);
    this.experiments = new PostgresExperimentStore(this.pool);
    this.registry = new PostgresRegistryStore(this.pool);
    this.tasks = new PostgresTaskStore(this.pool);
    this.limits = new PostgresLimitStore(this.pool);
  }

  migrate(): Promise<void> {
    return migratePostgres(this.pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
