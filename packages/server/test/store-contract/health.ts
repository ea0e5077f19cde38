import { expect, it } from 'vitest';
import { latencyBucket, latencyCounterKey } from '../../src/storage/latency-buckets.js';
import type { EventStore } from '../../src/storage/store.js';
import { storedEvent } from '../support/events.js';

/** Health events fold into per-arm counters; `fresh()` returns an EventStore on an empty database. */
export function healthCountersContract(fresh: () => Promise<EventStore>): void {
  it('counts predict calls by sample rate, errors, crashes, loads and the latency histogram', async () => {
    const events = await fresh();
    await events.ingest([
      storedEvent({ arm: 'a', type: 'prediction', latencyMs: 0.4 }),
      storedEvent({ arm: 'a', type: 'prediction', latencyMs: 200, sampleRate: 0.1 }),
      storedEvent({ arm: 'a', type: 'prediction', latencyMs: 200, sampleRate: 0.1 }),
      storedEvent({ arm: 'a', type: 'prediction' }),
      storedEvent({ arm: 'a', type: 'error', code: 'PREDICT_FAILED', reason: 'shape mismatch' }),
      storedEvent({ arm: 'a', type: 'crash', reason: 'worker exited' }),
      storedEvent({ arm: 'a', type: 'load', latencyMs: 300 }),
      storedEvent({ arm: 'a', type: 'load', latencyMs: 500 }),
      storedEvent({ arm: 'a', type: 'fallback', reason: 'webgpu → wasm' }),
      storedEvent({ arm: 'a', type: 'device-lost' }),
      storedEvent({ arm: 'a', type: 'integrity' }),
    ]);
    const [a] = await events.aggregates('exp');
    expect(a).toMatchObject({
      predictions: 4,
      predictErrors: 1,
      crashes: 1,
      loads: 2,
      loadMsSum: 800,
      loadMsSumSq: 300 ** 2 + 500 ** 2,
      fallbacks: 1,
      deviceLost: 1,
      integrityFailures: 1,
      latencySamples: 3,
    });
    // 1 + 10 + 10 + 1 predictions stand for 22 calls, and the failed call is one more.
    expect(a?.predictCalls).toBeCloseTo(23, 9);
    expect(a?.[latencyCounterKey(0)]).toBe(1);
    expect(a?.[latencyCounterKey(latencyBucket(200))]).toBe(2);
    // A load's time is not a prediction latency.
    expect(a?.[latencyCounterKey(latencyBucket(300))]).toBe(0);
  });

  it('stores the code and sample rate of each event', async () => {
    const events = await fresh();
    const e = storedEvent({ arm: 'a', type: 'error', code: 'OUT_OF_MEMORY', sampleRate: 0.5 });
    await events.ingest([e]);
    const rebuilt = await events.rebuild('exp', () => undefined);
    expect(rebuilt.folded).toBe(1);
    expect((await events.aggregates('exp'))[0]).toMatchObject({ predictErrors: 1, predictCalls: 1 });
  });
}
