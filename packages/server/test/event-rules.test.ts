import { describe, expect, it } from 'vitest';
import { checkContent } from '../src/collector/event-rules.js';
import { buildTimeline, MAX_TIMELINE_BUCKETS } from '../src/results/timeline.js';
import type { ExperimentRecord, TimelinePoint } from '../src/storage/records.js';
import { storedEvent, wireEvent } from './support/events.js';
import { eventServer, TEST_EXPERIMENT, writeHeaders } from './support/server.js';

describe('collector rules (issue 19)', () => {
  it('refuses probability 0 in the schema, and names each broken event of a 207 while storing the rest', async () => {
    const app = await eventServer();
    const post = (events: unknown[]) =>
      app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });
    expect((await post([wireEvent({ probability: 0 })])).statusCode).toBe(400);
    const res = await post([
      wireEvent(),
      wireEvent({ arm: 'ghost' }),
      wireEvent({ userId: 'a\u0000b' }),
      wireEvent({ ts: '2099-01-01T00:00:00Z' }),
      wireEvent({ type: 'reward', value: 1e308 }),
    ]);
    expect(res.statusCode).toBe(207);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(res.json().rejected.map((r: { field: string }) => r.field)).toEqual([
      'events[1].arm',
      'events[2].userId',
      'events[3].ts',
      'events[4].value',
    ]);
    expect(await app.edgewise.store.events.count()).toBe(1);
    await app.close();
  });
});

describe('health event rules', () => {
  const experiments = new Map([
    [
      TEST_EXPERIMENT.key,
      { ...TEST_EXPERIMENT, policyVersion: 1, policyWeights: null, updatedAt: 0, stops: [] },
    ],
  ]);

  it('holds an error code to the text rules and a load time to the latency bound', () => {
    expect(checkContent(storedEvent({ type: 'error', code: 'OUT_OF_MEMORY' }), experiments)).toBeUndefined();
    expect(checkContent(storedEvent({ type: 'error', code: 'BAD\u0007' }), experiments)?.[0]).toBe('code');
    expect(checkContent(storedEvent({ type: 'load', latencyMs: 2_000 }), experiments)).toBeUndefined();
    expect(checkContent(storedEvent({ type: 'load', latencyMs: 4_000_000 }), experiments)?.[0]).toBe(
      'latencyMs',
    );
  });

  it('takes health events with their code and sample rate over the wire, and refuses an error without a code', async () => {
    const app = await eventServer();
    const post = (events: unknown[]) =>
      app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });
    expect((await post([wireEvent({ type: 'error' })])).statusCode).toBe(400);
    expect((await post([wireEvent({ type: 'load' })])).statusCode).toBe(400);
    expect((await post([wireEvent({ type: 'prediction', sampleRate: 0 })])).statusCode).toBe(400);
    const res = await post([
      wireEvent({ type: 'error', code: 'PREDICT_FAILED' }),
      wireEvent({ type: 'load', latencyMs: 350 }),
      wireEvent({ type: 'prediction', latencyMs: 4, sampleRate: 0.25 }),
      wireEvent({ type: 'fallback', reason: 'webgpu unavailable' }),
      wireEvent({ type: 'device-lost' }),
      wireEvent({ type: 'integrity' }),
      wireEvent({ type: 'crash' }),
    ]);
    expect(res.statusCode).toBe(200);
    const [control] = await app.edgewise.store.events.aggregates('exp');
    expect(control).toMatchObject({
      predictErrors: 1,
      predictCalls: 5,
      loads: 1,
      loadMsSum: 350,
      fallbacks: 1,
      deviceLost: 1,
      integrityFailures: 1,
      crashes: 1,
    });
    await app.close();
  });
});

describe('timeline', () => {
  const record = {
    ...TEST_EXPERIMENT,
    policyVersion: 1,
    policyWeights: null,
    updatedAt: 0,
  } as ExperimentRecord;
  const point = (bucket: number, arm: string): TimelinePoint => ({
    bucket,
    arm,
    exposures: 1,
    rewardCount: 1,
    rewardSum: 1,
    rewardSumSq: 1,
    users: 1,
  });

  it('never adds arms the experiment lacks, and caps buckets', () => {
    const points = [
      ...Array.from({ length: 2000 }, (_, i) => point(0, `stray-${i}`)),
      ...Array.from({ length: 5000 }, (_, i) => point(i * 60_000, ['control', 'a', 'b'][i % 3] as string)),
    ];
    const started = performance.now();
    const series = buildTimeline(record, points, 'proportion');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(series.arms).toEqual(['control', 'a', 'b']);
    expect(new Set(series.points.map((p) => p.t)).size).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
    const last = series.points.filter((p) => p.arm === 'control').at(-1);
    expect(last?.cumulativeExposures).toBe(Math.ceil(5000 / 3));
  });
});
