import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toEventRecord, type WireEvent } from '../src/collector/event-schema.js';
import { wireEvent } from './support/events.js';
import { eventServer, WRITE_KEY, writeHeaders } from './support/server.js';

describe('POST /v1/events', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await eventServer();
  });
  afterEach(async () => {
    await app.close();
  });
  const post = (body: unknown, headers: Record<string, string> = writeHeaders) =>
    app.inject({ method: 'POST', url: '/v1/events', headers, payload: body as object });

  it('stores a batch and updates the arm aggregates', async () => {
    const events = [
      wireEvent({ arm: 'a' }),
      wireEvent({ arm: 'a', type: 'reward', value: 1 }),
      wireEvent({ arm: 'b', ts: Date.parse('2026-11-25T12:00:00Z') }),
    ];
    const res = await post({ events });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0 });
    const rows = await app.edgewise.store.events.aggregates('exp');
    expect(rows.map((r) => [r.arm, r.exposures, r.rewardCount, r.rewardSum])).toEqual([
      ['a', 1, 1, 1],
      ['b', 1, 0, 0],
    ]);
  });

  it('keeps variant, policyVersion, exposureId and reason, and ties a reward to its decision', async () => {
    const exposure = wireEvent({ arm: 'a', variant: 'int8', policyVersion: 3 });
    const reward = wireEvent({
      arm: 'a',
      type: 'reward',
      value: 2,
      exposureId: String(exposure.id).toUpperCase(),
    });
    const ineligible = wireEvent({
      arm: 'b',
      type: 'ineligible',
      userId: 'u2',
      reason: 'fp16 needs shader-f16',
    });
    expect(toEventRecord(exposure as unknown as WireEvent, 0)).toMatchObject({
      variant: 'int8',
      policyVersion: '3',
    });
    expect(toEventRecord(ineligible as unknown as WireEvent, 0)).toMatchObject({
      type: 'ineligible',
      reason: 'fp16 needs shader-f16',
    });
    expect((await post({ events: [exposure, reward, ineligible] })).json()).toEqual({
      accepted: 3,
      duplicates: 0,
    });
    const [a, b] = await app.edgewise.store.events.aggregates('exp');
    expect(a).toMatchObject({ arm: 'a', users: 1, decisions: 1, decisionRewardSum: 2, ipsRewardSum: 4 });
    expect(b).toMatchObject({ arm: 'b', users: 0, ineligibleUsers: 1 });
    expect((await post({ events: [wireEvent({ type: 'ineligible' })] })).statusCode).toBe(400);
  });

  it('acknowledges a retried batch without counting it twice', async () => {
    const events = [wireEvent(), wireEvent()];
    expect((await post({ events })).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect((await post({ events })).json()).toEqual({ accepted: 0, duplicates: 2 });
    expect((await app.edgewise.store.events.aggregates('exp'))[0]?.exposures).toBe(2);
    expect((await app.edgewise.metrics.duplicatesDropped.get()).values[0]?.value).toBe(2);
  });

  it('takes the write key from x-edgewise-key, or ?key= with a text/plain beacon body', async () => {
    expect((await post({ events: [wireEvent()] }, { 'x-edgewise-key': WRITE_KEY })).statusCode).toBe(200);
    const beacon = await app.inject({
      method: 'POST',
      url: `/v1/events?key=${WRITE_KEY}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ events: [wireEvent()] }),
    });
    expect(beacon.statusCode).toBe(200);
    expect(await app.edgewise.store.events.count()).toBe(2);
  });

  it('refuses a missing or unknown write key and says how to send one', async () => {
    const missing = await post({ events: [wireEvent()] }, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json().message).toMatch(/Authorization: Bearer pk_/);
    const wrong = await post({ events: [wireEvent()] }, { authorization: 'Bearer pk_nope' });
    expect(wrong.statusCode).toBe(403);
    expect(await app.edgewise.store.events.count()).toBe(0);
  });

  it.each([
    [{ events: [wireEvent({ id: 'not-a-uuid' })] }, 'events[0].id'],
    [{ events: [wireEvent({ type: 'click' })] }, 'events[0].type'],
    [{ events: [wireEvent({ probability: 2 })] }, 'events[0].probability'],
    [{ events: [wireEvent({ probability: '0.5' })] }, 'events[0].probability'],
    [{ events: [wireEvent(), wireEvent({ userId: undefined })] }, 'events[1].userId'],
    [{ events: [wireEvent({ type: 'reward' })] }, 'events[0].value'],
    [{ events: [wireEvent({ ts: '2026-13-45T99:00:00Z' })] }, 'events[0].ts'],
    [{ events: [] }, 'events'],
    [{}, 'events'],
    [{ events: [wireEvent()], extra: 1 }, 'body'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toContain(field);
    expect(await app.edgewise.store.events.count()).toBe(0);
  });

  it('refuses invalid JSON and oversized bodies with 4xx', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...writeHeaders, 'content-type': 'application/json' },
      payload: '{"events": [',
    });
    expect(bad.statusCode).toBe(400);
    const huge = await post({ events: [wireEvent({ userId: 'x'.repeat(2 * 1024 * 1024) })] });
    expect(huge.statusCode).toBe(413);
  });

  it('rate-limits per write key', async () => {
    await app.close();
    app = await eventServer({ rateLimitPerMinute: 2, writeKeys: [WRITE_KEY, 'pk_other'] });
    expect((await post({ events: [wireEvent()] })).statusCode).toBe(200);
    expect((await post({ events: [wireEvent()] })).statusCode).toBe(200);
    const limited = await post({ events: [wireEvent()] });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('RATE_LIMITED');
    expect((await post({ events: [wireEvent()] }, { authorization: 'Bearer pk_other' })).statusCode).toBe(
      200,
    );
  });
});
