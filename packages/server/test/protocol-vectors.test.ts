import { experimentConfigSchema } from '@edgewise/protocol';
import events from '@edgewise/protocol/vectors/events.json' with { type: 'json' };
import experiments from '@edgewise/protocol/vectors/experiments.json' with { type: 'json' };
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperiment } from '../src/experiments/experiment-schema.js';
import { adminHeaders, testServer, writeHeaders } from './support/server.js';

// The shared vectors (packages/protocol/vectors) through the real routes: what the SDK queues or
// serves must be exactly what this server takes.

let app: FastifyInstance;
// The experiments the event vectors name, so the collector's experiment and arm checks pass.
const served = ['iris-int8-vs-fp32', 'mnist-int8-vs-fp32'].map((key) => ({
  key,
  type: 'ab' as const,
  seed: 1,
  arms: ['fp32', 'int8'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
}));
beforeAll(async () => {
  app = await testServer({ experiments: served });
});

/**
 * A valid vector is stored, or (207) refused only for its time: the vectors pin dates like 2000 and
 * 2100 that the wire format takes and the collector's window (30 days back, 1 day ahead) does not.
 */
function expectTaken(res: { statusCode: number; body: string; json(): { rejected?: { field: string }[] } }) {
  if (res.statusCode === 207)
    for (const r of res.json().rejected ?? []) expect(r.field, res.body).toMatch(/\]\.ts$/);
  else expect(res.statusCode, res.body).toBe(200);
}
afterAll(async () => {
  await app.close();
});

const postEvents = (list: unknown[]) =>
  app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events: list } });
const postExperiment = (config: object) =>
  app.inject({ method: 'POST', url: '/v1/experiments', headers: adminHeaders, payload: config });

describe('events.json through POST /v1/events', () => {
  it.each(events.valid.map((c) => [c.name, c.event] as const))('accepts %s', async (_name, event) => {
    expectTaken(await postEvents([event]));
  });

  it('accepts every valid vector in one batch', async () => {
    expectTaken(await postEvents(events.valid.map((c) => c.event)));
  });

  it.each(events.invalid.map((c) => [c.name, c.event, c.field] as const))(
    'refuses %s, naming the field',
    async (_name, event, field) => {
      // Behind a valid event, so the field must be named with its index.
      const res = await postEvents([events.valid[0]!.event, event]);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(`events[1].${field}`);
      expect(res.json().message).toContain(`events[1].${field}`);
    },
  );
});

describe('experiments.json through POST /v1/experiments and the experiments file parser', () => {
  const served = new Ajv().compile(experimentConfigSchema);

  it.each(experiments.valid.map((c) => [c.name, c] as const))('takes %s', async (_name, c) => {
    const res = await postExperiment(c.config);
    if ('adminRefuses' in c) {
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(c.adminRefuses);
      expect(() => parseExperiment(c.config, 'file')).toThrow(c.adminRefuses);
      return;
    }
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect(parseExperiment(c.config, 'file').key).toBe(c.config.key);
    // What comes back out must be a valid served config that keeps the new fields.
    const get = await app.inject({ method: 'GET', url: `/v1/experiments/${c.config.key}` });
    const config = get.json();
    expect(served(config), JSON.stringify(served.errors)).toBe(true);
    const sent = c.config as { coverage?: number; sticky?: boolean; arms: { variant?: string }[] };
    expect(config.coverage).toBe(sent.coverage);
    expect(config.sticky).toBe(sent.sticky);
    expect(config.arms.map((a: { variant?: string }) => a.variant)).toEqual(sent.arms.map((a) => a.variant));
  });

  it.each(experiments.invalid.map((c) => [c.name, c] as const))('refuses %s', async (_name, c) => {
    const res = await postExperiment(c.config);
    if ('servedOnly' in c) {
      expect(res.statusCode).toBeLessThan(300);
      return;
    }
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(c.field);
    if (!('beyondSchema' in c)) expect(res.json().field).toBe(c.field);
    expect(() => parseExperiment(c.config, 'file')).toThrow(c.field);
  });
});
