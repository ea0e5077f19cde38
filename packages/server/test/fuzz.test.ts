import { describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { eventServer, writeHeaders } from './support/server.js';

/** mulberry32: a seeded generator, so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REQUIRED = ['id', 'type', 'userId', 'experiment', 'arm', 'probability', 'modelVersion', 'ts'];
const JUNK: unknown[] = [
  null,
  true,
  -1,
  1.5,
  1e308,
  '',
  'x',
  [],
  {},
  [1, 2],
  { a: 1 },
  'a'.repeat(300),
  '../../etc',
];

/** One payload that must be refused: each mutation breaks the contract in a different way. */
function malformed(random: () => number): { body: string; contentType: string } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const events = Array.from({ length: 1 + Math.floor(random() * 5) }, () => wireEvent());
  const victim = pick(events);
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  switch (Math.floor(random() * 10)) {
    case 0: // a required field removed
      delete victim[pick(REQUIRED)];
      return json({ events });
    case 1: // a required field of the wrong type or shape
      victim[pick(REQUIRED)] = pick(JUNK.filter((j) => typeof j !== 'string' || j.length > 200 || j === ''));
      return json({ events });
    case 2: // an enum or range broken
      if (random() < 0.5) victim.type = pick(['click', 'EXPOSURE', '', 'reward ']);
      else victim.probability = pick([-0.1, 1.01, 42, -1e9]);
      return json({ events });
    case 3: // a reward without a value
      victim.type = 'reward';
      delete victim.value;
      return json({ events });
    case 4: // the envelope wrong
      return json(
        pick([
          events,
          { event: events },
          { events: victim },
          { events: [] },
          null,
          42,
          'events',
          { events: null },
        ]),
      );
    case 5: // truncated JSON
      {
        const text = JSON.stringify({ events });
        return {
          body: text.slice(0, Math.floor(random() * (text.length - 1))),
          contentType: 'application/json',
        };
      }
    case 6: // random bytes
      return {
        body: Buffer.from(
          Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
        ).toString('latin1'),
        contentType: pick(['application/json', 'text/plain']),
      };
    case 7: // too many events
      return json({ events: Array.from({ length: 501 }, () => wireEvent()) });
    case 8: // an unsupported content type
      return {
        body: JSON.stringify({ events }),
        contentType: pick(['application/xml', 'multipart/form-data; boundary=x', 'image/png']),
      };
    default: // a bad id or timestamp
      if (random() < 0.5) victim.id = pick(['123', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', `${victim.id}0`]);
      else victim.ts = pick(['yesterday', '2026-02-30Tnope', -5, '1999']);
      return json({ events });
  }
}

describe('fuzzed /v1/events payloads', () => {
  it('answers 1,000 malformed payloads with 4xx, writes nothing, and stays up', async () => {
    const app = await eventServer({ rateLimitPerMinute: 100_000 });
    const random = rng(20261125);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const { body, contentType } = malformed(random);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...writeHeaders, 'content-type': contentType },
        payload: body,
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode < 400 || res.statusCode >= 500)
        throw new Error(`case ${i} got ${res.statusCode}: ${body.slice(0, 300)}`);
      expect(res.json().message).toEqual(expect.any(String));
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    console.info(
      `[fuzz] 1000 malformed payloads → ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(await app.edgewise.store.events.count()).toBe(0);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: writeHeaders,
      payload: { events: [wireEvent()] },
    });
    expect(ok.statusCode).toBe(200);
    await app.close();
  });
});
