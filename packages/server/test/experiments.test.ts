import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExperimentsFile } from '../src/experiments/experiments-file.js';
import { wireEvent } from './support/events.js';
import { adminHeaders, sendEvents, testServer } from './support/server.js';

const bandit = {
  key: 'iris-bandit',
  type: 'bandit',
  seed: 42,
  policy: 'thompson',
  arms: [
    { name: 'fp32', model: 'iris', version: '1.0.0', weight: 0.5 },
    { name: 'int8', model: 'iris', version: '1.0.0-int8', weight: 0.5 },
  ],
};
const ab = { ...bandit, key: 'iris-ab', type: 'ab', policy: undefined };

/** n users exposed once to one arm, each with a 0/1 reward; `successes` of them convert. */
function traffic(experiment: string, arm: string, n: number, successes: number) {
  const userId = (i: number) => `${arm}-user-${i}`;
  return [
    ...Array.from({ length: n }, (_, i) => wireEvent({ experiment, arm, userId: userId(i) })),
    ...Array.from({ length: n }, (_, i) =>
      wireEvent({ experiment, arm, userId: userId(i), type: 'reward', value: i < successes ? 1 : 0 }),
    ),
  ];
}

describe('experiments, policies and results', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await testServer();
  });
  afterEach(async () => {
    await app.close();
  });
  const create = (body: object, headers: Record<string, string> = adminHeaders) =>
    app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: body });
  const send = (events: object[]) => sendEvents(app, events);

  it('creates experiments (admin only) and serves them with caching headers', async () => {
    expect((await create(bandit, {})).statusCode).toBe(401);
    const created = await create(bandit);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ key: 'iris-bandit', policyVersion: 1, policy: 'thompson' });
    expect((await create(bandit)).json().policyVersion).toBe(1);
    const list = await app.inject({ method: 'GET', url: '/v1/experiments' });
    expect(list.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(list.json().experiments[0].arms.map((a: { weight: number }) => a.weight)).toEqual([0.5, 0.5]);
    const revalidated = await app.inject({
      method: 'GET',
      url: '/v1/experiments',
      headers: { 'if-none-match': String(list.headers.etag) },
    });
    expect(revalidated.statusCode).toBe(304);
  });

  it('refuses bad definitions naming the field', async () => {
    const dupe = await create({ ...bandit, arms: [bandit.arms[0], bandit.arms[0]] });
    expect(dupe.statusCode).toBe(400);
    expect(dupe.json().message).toContain('arms[1].name');
    const weight = await create({ ...bandit, arms: [{ ...bandit.arms[0], weight: -1 }] });
    expect(weight.json().field).toBe('arms[0].weight');
    expect((await create({ ...bandit, policy: 'greedy' })).json().field).toBe('policy');
    expect((await create({ ...ab, policy: 'ucb1' })).statusCode).toBe(400);
  });

  it('recomputes bandit weights on demand as a new policyVersion, favouring the better arm', async () => {
    await create(bandit);
    await send([...traffic('iris-bandit', 'fp32', 200, 20), ...traffic('iris-bandit', 'int8', 200, 60)]);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/experiments/iris-bandit/policy',
      headers: adminHeaders,
    });
    expect(res.statusCode).toBe(200);
    const served = res.json();
    expect(served.policyVersion).toBe(2);
    expect(served.arms[1].weight).toBeGreaterThan(0.9);
    expect(served.arms[0].weight).toBeGreaterThanOrEqual(0.01);
    const list = (await app.inject({ method: 'GET', url: '/v1/experiments' })).json();
    expect(list.experiments[0]).toMatchObject({ policyVersion: 2, policyWeights: served.policyWeights });
    await app.edgewise.policies.recomputeAll();
    expect((await app.edgewise.store.experiments.get('iris-bandit'))?.policyVersion).toBe(3);
    // a replica's scheduled run skips a policy another replica has just refreshed
    await app.edgewise.policies.recomputeAll(60 * 60_000);
    expect((await app.edgewise.store.experiments.get('iris-bandit'))?.policyVersion).toBe(3);
    for (const policy of ['ucb1', 'epsilon-greedy']) {
      await create({ ...bandit, policy });
      const next = (
        await app.inject({ method: 'POST', url: '/v1/experiments/iris-bandit/policy', headers: adminHeaders })
      ).json();
      expect(next.arms[1].weight).toBeGreaterThan(next.arms[0].weight);
    }
    const abRes = await create(ab);
    expect(abRes.statusCode).toBe(201);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/experiments/iris-ab/policy', headers: adminHeaders }))
        .statusCode,
    ).toBe(409);
  });

  it('reports results with tests, sequential p-value, SRM and a verdict', async () => {
    await create(ab);
    await send([...traffic('iris-ab', 'fp32', 1000, 100), ...traffic('iris-ab', 'int8', 1000, 160)]);
    const res = await app.inject({ method: 'GET', url: '/v1/experiments/iris-ab/results' });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ metric: 'proportion', unit: 'users', comparisons: 1, correction: 'none' });
    expect(r.arms[0]).toMatchObject({ name: 'fp32', control: true, users: 1000, zTest: null });
    expect(r.arms[0].metric).toMatchObject({ value: 0.1, unit: 'users' });
    expect(r.arms[0].events).toMatchObject({ unit: 'events', exposures: 1000, rewards: 1000 });
    const int8 = r.arms[1];
    expect(int8.metric.value).toBeCloseTo(0.16);
    expect(int8.zTest.pValue).toBeLessThan(0.001);
    expect(int8.sequential.pValue).toBeLessThan(0.05);
    expect(int8.sequential.ci[0]).toBeGreaterThan(0);
    expect(int8.pValue).toMatchObject({ correction: 'none', unit: 'users' });
    expect(int8.pValue.adjusted).toBe(int8.pValue.raw);
    expect(int8.probabilityToBeatControl.value).toBeGreaterThan(0.99);
    expect(r.srm.mismatch).toBe(false);
    expect(r.verdict).toMatchObject({ arm: 'int8', status: 'significant', direction: 'better' });

    const timeline = (await app.inject({ method: 'GET', url: '/v1/experiments/iris-ab/timeline' })).json();
    expect(timeline.arms).toEqual(['fp32', 'int8']);
    const last = timeline.points.filter((p: { arm: string }) => p.arm === 'int8').at(-1);
    expect(last.share).toBe(0.5);
    expect(last.cumulativeUsers).toBe(1000);
    expect(last.csLower).toBeGreaterThan(0);
    expect((await app.inject({ method: 'GET', url: '/v1/experiments/nope/results' })).statusCode).toBe(404);
  });

  it('flags a sample ratio mismatch', async () => {
    await create(ab);
    await send([...traffic('iris-ab', 'fp32', 1000, 100), ...traffic('iris-ab', 'int8', 700, 70)]);
    const r = (await app.inject({ method: 'GET', url: '/v1/experiments/iris-ab/results' })).json();
    expect(r.srm.mismatch).toBe(true);
    expect(r.verdict.status).toBe('invalid');
  });

  it('loads experiments from a config file at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ew-exp-'));
    const file = join(dir, 'experiments.json');
    writeFileSync(file, JSON.stringify({ experiments: [bandit, ab] }));
    const experiments = await readExperimentsFile(file);
    const server = await testServer({ experiments });
    const list = (await server.inject({ method: 'GET', url: '/v1/experiments' })).json();
    expect(list.experiments.map((e: { key: string }) => e.key)).toEqual(['iris-ab', 'iris-bandit']);
    await server.close();
    writeFileSync(file, JSON.stringify([{ ...bandit, arms: [{ name: 'x' }] }]));
    await expect(readExperimentsFile(file)).rejects.toThrow(/experiments\[0\].*arms\[0\]\.model/);
    rmSync(dir, { recursive: true, force: true });
  });
});
