import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { tryStartPostgres } from './support/postgres.js';
import { rng } from './support/rng.js';
import { eventServer, TEST_NOW, writeHeaders } from './support/server.js';

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

const started = await tryStartPostgres();
const pg = 'skipped' in started ? undefined : started;
afterAll(async () => {
  await pg?.stop();
});

/** A schema-valid event made hostile in one way the collector must refuse per event (207), never with a 5xx. */
function hostile(random: () => number): { event: Record<string, unknown>; field: string | undefined } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
  const event = wireEvent({ arm: pick(['control', 'a', 'b']), userId: `u${Math.floor(random() * 50)}` });
  const text = pick(['userId', 'arm', 'modelVersion', 'variant', 'reason', 'experiment']);
  switch (Math.floor(random() * 9)) {
    case 0:
      event[text] = `x${pick(['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\n'])}y`;
      return { event, field: text };
    case 1:
      event[text] = pick(['\ud800', 'a\udc00', '\udbff\u0041', 'z\ud83d']);
      return { event, field: text };
    case 2:
      Object.assign(event, { type: 'reward', value: pick([1e308, -1e308, 1e6 + 1, -2e6, 1e300]) });
      return { event, field: 'value' };
    case 3:
      event.arm = `arm-${Math.floor(random() * 1e9)}`;
      return { event, field: 'arm' };
    case 4:
      event.experiment = pick(['nope', 'EXP', 'exp ', `e${Math.floor(random() * 1e6)}`]);
      return { event, field: 'experiment' };
    case 5:
      event.ts = pick([
        '2099-01-01T00:00:00Z',
        Date.parse('2030-01-01'),
        '2001-01-01T00:00:00Z',
        TEST_NOW + 2 * 86_400_000,
      ]);
      return { event, field: 'ts' };
    case 6:
      Object.assign(event, { type: 'prediction', latencyMs: pick([1e308, 3_600_001, 1e12]) });
      return { event, field: 'latencyMs' };
    default: // a valid event, with awkward but legal text and values
      Object.assign(
        event,
        pick([
          { userId: 'üser-🙂-é' },
          { type: 'reward', value: 1e6 },
          { type: 'reward', value: -0.5, exposureId: randomUUID() },
          { reason: 'n'.repeat(512), type: 'ineligible' },
        ]),
      );
      return { event, field: undefined };
  }
}

describe.each([
  ['SQLite', async () => ({})],
  [
    'PostgreSQL',
    async () =>
      pg ? { databaseUrl: await pg.createDatabase(`fuzz_${randomUUID().slice(0, 8)}`) } : undefined,
  ],
] as const)('hostile but well-formed events (%s)', (_name, storeOptions) => {
  it('answers 1,000 hostile batches below 500 and stores exactly the accepted events', async (ctx) => {
    const options = await storeOptions();
    if (!options) return ctx.skip();
    const app = await eventServer({ rateLimitPerMinute: 100_000, ...options });
    const random = rng(20261202);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 1000; i++) {
      const cases = Array.from({ length: 1 + Math.floor(random() * 4) }, () => hostile(random));
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: writeHeaders,
        payload: { events: cases.map((c) => c.event) },
      });
      if (res.statusCode >= 500 || (res.statusCode !== 200 && res.statusCode !== 207))
        throw new Error(`case ${i} got ${res.statusCode}: ${res.body.slice(0, 300)}`);
      const body = res.json() as {
        accepted: number;
        duplicates: number;
        rejected?: { index: number; field: string }[];
      };
      const fields = new Map((body.rejected ?? []).map((r) => [r.index, r.field]));
      cases.forEach((c, index) => {
        expect(fields.get(index), JSON.stringify(c.event)).toBe(c.field && `events[${index}].${c.field}`);
      });
      accepted += body.accepted;
      rejected += fields.size;
    }
    console.info(`[fuzz:hostile] 1000 batches → ${accepted} stored, ${rejected} rejected per event`);
    expect(rejected).toBeGreaterThan(1000);
    expect(await app.edgewise.store.events.count()).toBe(accepted);
    // Results and the timeline still answer, with the experiment's arms only, and finite sums.
    const timeline = await app.inject({ method: 'GET', url: '/v1/experiments/exp/timeline' });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().arms).toEqual(['control', 'a', 'b']);
    expect((await app.inject({ method: 'GET', url: '/v1/experiments/exp/results' })).statusCode).toBe(200);
    for (const row of await app.edgewise.store.events.aggregates('exp'))
      expect(Number.isFinite(row.rewardSumSq) && Number.isFinite(row.userRewardSumSq)).toBe(true);
    await app.close();
  }, 120_000);
});
