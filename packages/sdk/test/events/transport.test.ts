import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/create-event.js';
import { postBatch } from '../../src/events/transport.js';
import { type Reply, type ScriptedCollector, startScriptedCollector } from './scripted-collector.js';

const event = () =>
  createEvent({
    type: 'reward',
    userId: 'u',
    experiment: 'e',
    arm: 'a',
    probability: 0.5,
    modelVersion: '1',
    value: 1,
  });

let collector: ScriptedCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

async function outcomeFor(reply: Reply, timeoutMs?: number) {
  collector = await startScriptedCollector(() => reply);
  return postBatch([event()], {
    url: collector.url,
    writeKey: 'pk_test',
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

describe('postBatch', () => {
  it('POSTs { events } as JSON with the write key as a bearer token', async () => {
    collector = await startScriptedCollector();
    const events = [event(), event()];
    expect(await postBatch(events, { url: collector.url, writeKey: 'pk_test' })).toEqual({
      kind: 'stored',
      status: 200,
    });
    expect(collector.received).toEqual([
      { authorization: 'Bearer pk_test', contentType: 'application/json', events },
    ]);
  });

  it.each([408, 429, 500, 502, 503])('retries on HTTP %i', async (status) => {
    expect(await outcomeFor({ status })).toMatchObject({ kind: 'retry', status });
  });

  it('honours Retry-After', async () => {
    expect(await outcomeFor({ status: 503, headers: { 'Retry-After': '7' } })).toMatchObject({
      kind: 'retry',
      retryAfterMs: 7000,
    });
  });

  it.each([400, 401, 403, 413, 422])('gives up on HTTP %i and says why', async (status) => {
    const outcome = await outcomeFor({ status, body: '{"error":"events[0].id must be a uuid"}' });
    expect(outcome).toMatchObject({ kind: 'rejected', status });
    expect(outcome.kind === 'rejected' && outcome.reason).toContain('must be a uuid');
  });

  it('retries when the connection is reset or the collector does not answer in time', async () => {
    expect(await outcomeFor('reset')).toMatchObject({ kind: 'retry' });
    await collector?.close();
    expect(await outcomeFor('hang', 300)).toMatchObject({ kind: 'retry' });
  });
});
