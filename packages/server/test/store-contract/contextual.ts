import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';

/** What contextual experiments need of a store: the class on events, the decision log, weights per class. */
export function contextualContract(fresh: () => Promise<Store>): void {
  it('keeps the device class of events and joins each decision with what followed it', async () => {
    const store = await fresh();
    const a = randomUUID();
    const b = randomUUID();
    const base = { experiment: 'ctx', userId: 'u1' };
    await store.events.ingest([
      storedEvent({ ...base, id: a, arm: 'fp16', probability: 0.8, context: 'webgpu-f16', ts: 1_000 }),
      storedEvent({ ...base, id: b, arm: 'int8', probability: 0.3, context: 'wasm-2-cores', ts: 2_000 }),
      storedEvent({ ...base, type: 'reward', arm: 'fp16', value: 1, exposureId: a, context: 'webgpu-f16' }),
      storedEvent({ ...base, type: 'reward', arm: 'fp16', value: 0.5, exposureId: a, context: 'webgpu-f16' }),
      storedEvent({ ...base, type: 'prediction', arm: 'fp16', latencyMs: 10, exposureId: a }),
      storedEvent({ ...base, type: 'prediction', arm: 'fp16', latencyMs: 30, exposureId: a }),
      storedEvent({ ...base, type: 'load', arm: 'int8', latencyMs: 250, exposureId: b }),
      storedEvent({ ...base, type: 'crash', arm: 'int8', exposureId: b }),
    ]);
    const log = await store.events.decisionLog('ctx');
    expect(log).toEqual([
      {
        exposureId: a,
        context: 'webgpu-f16',
        arm: 'fp16',
        probability: 0.8,
        ts: 1_000,
        rewardCount: 2,
        rewardSum: 1.5,
        latencyMs: 20,
        loadMs: null,
        crashes: 0,
      },
      {
        exposureId: b,
        context: 'wasm-2-cores',
        arm: 'int8',
        probability: 0.3,
        ts: 2_000,
        rewardCount: 0,
        rewardSum: 0,
        latencyMs: null,
        loadMs: 250,
        crashes: 1,
      },
    ]);
    expect(await store.events.decisionLog('other')).toEqual([]);
  });

  it('saves weights per class with the policy and keeps them in its history', async () => {
    const store = await fresh();
    const record = await store.experiments.put({
      key: 'ctx',
      type: 'contextual',
      seed: 1,
      arms: [
        { name: 'fp16', model: 'm', version: '1', weight: 1 },
        { name: 'int8', model: 'm', version: '1', weight: 1 },
      ],
    });
    const byClass = { 'webgpu-f16': [0.9, 0.1], 'wasm-2-cores': [0.2, 0.8] };
    const saved = await store.experiments.savePolicy('ctx', [0.5, 0.5], record.policyVersion, byClass);
    expect(saved?.contextWeights).toEqual(byClass);
    expect((await store.experiments.get('ctx'))?.contextWeights).toEqual(byClass);
    const history = await store.experiments.policyHistory('ctx');
    expect(history.at(-1)).toMatchObject({ weights: [0.5, 0.5], contextWeights: byClass });
    // A changed definition clears them with the pooled weights.
    const changed = await store.experiments.put({ ...record, seed: 2 });
    expect(changed.contextWeights ?? null).toBeNull();
  });
}
