import { expect, it } from 'vitest';
import type { ModelVersionRecord } from '../src/storage/records.js';
import type { Store } from '../src/storage/store.js';
import { storedEvent } from './support/events.js';

/**
 * The behaviour every Store must have. Run by store.sqlite.test.ts and store.postgres.test.ts against
 * real databases; `fresh()` returns a migrated, empty store.
 */
export function storeContract(fresh: () => Promise<Store>): void {
  it('migrates twice without error (a restart, or a second replica)', async () => {
    const store = await fresh();
    await store.migrate();
    await store.ping();
  });

  it('counts each event id once, however often it is sent', async () => {
    const store = await fresh();
    const batch = [
      storedEvent(),
      storedEvent({ arm: 'treatment' }),
      storedEvent({ type: 'reward', value: 1 }),
    ];
    expect(await store.ingest(batch)).toEqual({ accepted: 3, duplicates: 0 });
    expect(await store.ingest(batch)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await store.ingest([...batch, batch[0]!])).toEqual({ accepted: 0, duplicates: 4 });
    expect(await store.countEvents()).toBe(3);
  });

  it('drops an id repeated inside one batch', async () => {
    const store = await fresh();
    const e = storedEvent();
    expect(await store.ingest([e, { ...e }])).toEqual({ accepted: 1, duplicates: 1 });
  });

  it('keeps exposures and reward count, sum and sum of squares per arm', async () => {
    const store = await fresh();
    await store.ingest([
      storedEvent({ arm: 'a' }),
      storedEvent({ arm: 'a' }),
      storedEvent({ arm: 'b' }),
      storedEvent({ arm: 'a', type: 'reward', value: 2 }),
      storedEvent({ arm: 'a', type: 'reward', value: 3 }),
      storedEvent({ arm: 'b', type: 'prediction', latencyMs: 4 }),
      storedEvent({ experiment: 'other', arm: 'a' }),
    ]);
    const rows = await store.aggregates('exp');
    expect(rows).toEqual([
      {
        experiment: 'exp',
        arm: 'a',
        exposures: 2,
        predictions: 0,
        rewardCount: 2,
        rewardSum: 5,
        rewardSumSq: 13,
      },
      {
        experiment: 'exp',
        arm: 'b',
        exposures: 1,
        predictions: 1,
        rewardCount: 0,
        rewardSum: 0,
        rewardSumSq: 0,
      },
    ]);
  });

  it('buckets exposures and rewards over time', async () => {
    const store = await fresh();
    const t0 = Date.parse('2026-11-25T12:00:00Z');
    await store.ingest([
      storedEvent({ arm: 'a', ts: t0 + 1 }),
      storedEvent({ arm: 'a', ts: t0 + 59_000 }),
      storedEvent({ arm: 'a', ts: t0 + 61_000, type: 'reward', value: 3 }),
    ]);
    expect(await store.timeline('exp', 60_000)).toEqual([
      { bucket: t0, arm: 'a', exposures: 2, rewardCount: 0, rewardSum: 0, rewardSumSq: 0 },
      { bucket: t0 + 60_000, arm: 'a', exposures: 0, rewardCount: 1, rewardSum: 3, rewardSumSq: 9 },
    ]);
  });

  it('versions experiments: same definition keeps the version, a change bumps it', async () => {
    const store = await fresh();
    const def = {
      key: 'e1',
      type: 'bandit' as const,
      seed: 7,
      policy: 'thompson' as const,
      arms: [
        { name: 'a', model: 'iris', version: '1.0.0', weight: 0.5 },
        { name: 'b', model: 'iris', version: '1.0.0-int8', weight: 0.5 },
      ],
    };
    const first = await store.putExperiment(def);
    expect(first.policyVersion).toBe(1);
    expect(first.policyWeights).toBeNull();
    expect((await store.putExperiment({ ...def })).policyVersion).toBe(1);
    const changed = await store.putExperiment({ ...def, seed: 8 });
    expect(changed.policyVersion).toBe(2);
    expect(changed.seed).toBe(8);
    expect((await store.listExperiments()).map((e) => e.key)).toEqual(['e1']);
    expect(await store.getExperiment('missing')).toBeUndefined();
  });

  it('saves a policy only on top of the version it was computed from', async () => {
    const store = await fresh();
    const def = {
      key: 'e2',
      type: 'bandit' as const,
      seed: 1,
      arms: [{ name: 'a', model: 'm', version: '1', weight: 1 }],
    };
    const record = await store.putExperiment(def);
    const saved = await store.savePolicy('e2', [1], record.policyVersion);
    expect(saved?.policyVersion).toBe(2);
    expect(saved?.policyWeights).toEqual([1]);
    expect(await store.savePolicy('e2', [1], record.policyVersion)).toBeUndefined();
    expect(await store.policyHistory('e2')).toEqual([
      { policyVersion: 2, weights: [1], createdAt: expect.any(Number) },
    ]);
  });

  it('stores model versions immutably with their bytes, status and channels', async () => {
    const store = await fresh();
    const record: ModelVersionRecord = {
      name: 'iris',
      version: '2.0.0',
      format: 'onnx',
      quantization: 'fp32',
      sha256: 'ab'.repeat(32),
      bytes: 3,
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'out', dtype: 'float32', shape: ['batch', 3] }],
      status: 'candidate',
      createdAt: 1,
    };
    await store.publishModel(record, new Uint8Array([1, 2, 3]));
    await expect(store.publishModel(record, new Uint8Array([9]))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect([...((await store.modelBytes('iris', '2.0.0')) ?? [])]).toEqual([1, 2, 3]);
    await store.setModelStatus('iris', '2.0.0', 'approved');
    expect((await store.getModel('iris', '2.0.0'))?.status).toBe('approved');
    expect(await store.listModels()).toHaveLength(1);
    await store.setChannel({ name: 'iris', channel: 'stable', version: '2.0.0' });
    await store.setChannel({ name: 'iris', channel: 'stable', version: '2.0.0' });
    expect(await store.listChannels()).toEqual([{ name: 'iris', channel: 'stable', version: '2.0.0' }]);
    expect(await store.modelBytes('iris', '9')).toBeUndefined();
  });

  it('keeps async tasks and their results', async () => {
    const store = await fresh();
    const task = await store.createTask('t1', { model: 'iris' });
    expect(task).toMatchObject({ id: 't1', status: 'pending', request: { model: 'iris' }, result: null });
    expect((await store.pendingTasks(10)).map((t) => t.id)).toEqual(['t1']);
    await store.finishTask('t1', { result: { y: [1] } });
    expect(await store.getTask('t1')).toMatchObject({ status: 'done', result: { y: [1] }, error: null });
    await store.createTask('t2', {});
    await store.finishTask('t2', { error: 'bad input' });
    expect(await store.getTask('t2')).toMatchObject({ status: 'failed', error: 'bad input' });
    expect(await store.pendingTasks(10)).toEqual([]);
    expect(await store.getTask('nope')).toBeUndefined();
  });
}
