import { describe, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { contextualContract } from './contextual.js';
import { eventStoreContract } from './events.js';
import { experimentStoreContract } from './experiments.js';
import { groupIngestContract } from './group-ingest.js';
import { healthCountersContract } from './health.js';
import { rebuildContract, rollupContract } from './rebuild.js';
import { registryStoreContract } from './registry.js';
import { stopsContract } from './stops.js';
import { summariesContract } from './summaries.js';
import { taskStoreContract } from './tasks.js';
import { userCountersContract } from './users.js';

/**
 * The behaviour every Store must have, part by part. Run by store.sqlite.test.ts and
 * store.postgres.test.ts against real databases; `fresh()` returns a migrated, empty store.
 */
export function storeContract(fresh: () => Promise<Store>): void {
  it('migrates twice without error (a restart, or a second replica)', async () => {
    const store = await fresh();
    await store.migrate();
    await store.ping();
  });

  describe('events', () => eventStoreContract(async () => (await fresh()).events));
  describe('group commit', () => groupIngestContract(fresh));
  describe('users and decisions', () => userCountersContract(async () => (await fresh()).events));
  describe('experiments', () => experimentStoreContract(async () => (await fresh()).experiments));
  describe('stops and audit', () => stopsContract(async () => (await fresh()).experiments));
  describe('health counters', () => healthCountersContract(async () => (await fresh()).events));
  describe('registry', () => registryStoreContract(async () => (await fresh()).registry));
  describe('tasks', () => taskStoreContract(async () => (await fresh()).tasks));
  describe('rebuild-aggregates', () => rebuildContract(fresh));
  describe('minute rollups', () => rollupContract(fresh));
  describe('contextual experiments', () => contextualContract(fresh));
  describe('model summaries and baselines', () => summariesContract(fresh));
}
