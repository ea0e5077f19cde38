import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lru } from '../src/predict/lru.js';
import { modelsRoot, testServer, WRITE_KEY, writeHeaders } from './support/server.js';

const OTHER_KEY = 'pk_test_2';
const iris = (batch: number, seed = 0) => ({
  model: 'iris',
  inputs: {
    input: { dims: [batch, 4], data: Array.from({ length: batch * 4 }, (_, i) => (i % 7) + seed / 100) },
  },
});

describe('Lru by bytes', () => {
  it('evicts the oldest entries once their weight passes the budget, and never keeps an oversize one', () => {
    const evicted: string[] = [];
    const lru = new Lru<string, string>(100, (v) => evicted.push(v), { max: 10, weigh: (v) => v.length });
    lru.set('a', 'aaaa');
    lru.set('b', 'bbbb');
    lru.set('c', 'cccc');
    expect(evicted).toEqual(['aaaa']);
    expect(lru.weight).toBe(8);
    lru.set('d', 'd'.repeat(11));
    expect(lru.peek('d')).toBeUndefined();
    expect(lru.weight).toBe(8);
  });
});

describe('predict limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testServer({
      modelsRoot,
      writeKeys: [WRITE_KEY, OTHER_KEY],
      predict: { cacheBytes: 4096, maxInputElements: 400, maxQueued: 2, retentionMs: 60_000 },
    });
  });
  afterAll(async () => {
    await app.close();
  });
  const post = (url: string, payload: object, key = WRITE_KEY) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}` }, payload });

  it('refuses inputs that do not fit the model shape or the element cap, before running', async () => {
    const wrong = await post('/v1/predict', {
      model: 'iris',
      inputs: { input: { dims: [1, 5], data: [1, 2, 3, 4, 5] } },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toMatch(/do not fit iris@1.0.0's input shape \[batch, 4\]/);
    const big = await post('/v1/predict', iris(101));
    expect(big.statusCode).toBe(413);
    expect(big.json().message).toMatch(/at most 400/);
    expect((await post('/v1/predict', iris(100))).statusCode).toBe(200);
  });

  it('keeps the answer cache under its byte budget however many distinct inputs arrive', async () => {
    for (let i = 0; i < 50; i++) expect((await post('/v1/predict', iris(10, i))).statusCode).toBe(200);
    const again = await post('/v1/predict', iris(10, 49));
    expect(again.json().cached).toBe(true);
    const old = await post('/v1/predict', iris(10, 0));
    expect(old.json().cached).toBe(false);
  });

  it('shows a task only to the key that created it and refuses work past the queue', async () => {
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => post('/v1/predict/async', iris(1, i))));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 202).length).toBeGreaterThanOrEqual(2);
    const refused = results.find((r) => r.statusCode === 503);
    expect(refused?.json().message).toMatch(/queue is full \(2 tasks\)/);
    const { taskId } = (results.find((r) => r.statusCode === 202) as (typeof results)[number]).json();
    await app.edgewise.tasks.drain();
    const mine = await app.inject({ method: 'GET', url: `/v1/tasks/${taskId}`, headers: writeHeaders });
    expect(mine.json()).toMatchObject({ status: 'done' });
    const theirs = await app.inject({
      method: 'GET',
      url: `/v1/tasks/${taskId}`,
      headers: { authorization: `Bearer ${OTHER_KEY}` },
    });
    expect(theirs.statusCode).toBe(404);
  });

  it('deletes tasks older than the retention period', async () => {
    const { taskId } = (await post('/v1/predict/async', iris(1, 9))).json();
    await app.edgewise.tasks.drain();
    expect(await app.edgewise.tasks.sweep(Date.now())).toBe(0);
    expect(await app.edgewise.tasks.sweep(Date.now() + 61_000)).toBeGreaterThan(0);
    const gone = await app.inject({ method: 'GET', url: `/v1/tasks/${taskId}`, headers: writeHeaders });
    expect(gone.statusCode).toBe(404);
  });
});
