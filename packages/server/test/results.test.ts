import { randomUUID } from 'node:crypto';
import { experimentResultsSchema } from '@edgewise/protocol';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { createExperiment, sendEvents, testServer } from './support/server.js';

const matchesProtocol = new Ajv().compile(experimentResultsSchema);
const arm = (name: string, weight: number) => ({ name, model: 'iris', version: '1.0.0', weight });
const ab3 = { key: 'three', type: 'ab', seed: 1, arms: [arm('a', 1 / 3), arm('b', 1 / 3), arm('c', 1 / 3)] };

/** `users` users of one arm; user i converts (some several times) when i < converted. */
function users(experiment: string, armName: string, n: number, converted: number, rewardsEach = 1) {
  return Array.from({ length: n }, (_, i) => {
    const userId = `${armName}-${i}`;
    const rewards = i < converted ? rewardsEach : 0;
    return [
      wireEvent({ experiment, arm: armName, userId, probability: 1 / 3 }),
      ...Array.from({ length: rewards }, () =>
        wireEvent({ experiment, arm: armName, userId, type: 'reward', value: 1 }),
      ),
    ];
  }).flat();
}

describe('GET /v1/experiments/:key/results', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await testServer();
  });
  afterEach(async () => {
    await app.close();
  });
  const create = (body: object) => createExperiment(app, body);
  const send = (events: object[]) => sendEvents(app, events);
  /** The answer, checked against the protocol's schema first. */
  const results = async (key: string) => {
    const body = (await app.inject({ method: 'GET', url: `/v1/experiments/${key}/results` })).json();
    expect(matchesProtocol(body), JSON.stringify(matchesProtocol.errors)).toBe(true);
    return body;
  };

  it('counts users, not events: repeat rewards convert a user once; ineligible and unexposed users stay apart', async () => {
    await create({ ...ab3, key: 'users', arms: ab3.arms.slice(0, 2) });
    await send([
      ...users('users', 'a', 100, 10, 5),
      ...users('users', 'b', 100, 10, 1),
      wireEvent({
        experiment: 'users',
        arm: 'b',
        userId: 'old-phone',
        type: 'ineligible',
        reason: 'no WebGPU',
      }),
      wireEvent({ experiment: 'users', arm: 'b', userId: 'ghost', type: 'reward', value: 1 }),
    ]);
    const r = await results('users');
    expect(r.unit).toBe('users');
    expect(r.arms[0]).toMatchObject({
      users: 100,
      events: { rewards: 50 },
      metric: { value: 0.1, unit: 'users' },
    });
    expect(r.arms[1]).toMatchObject({ users: 100, ineligibleUsers: 1, metric: { value: 0.1 } });
    expect(r.arms[1].pValue.raw).toBeGreaterThan(0.5);
    expect(r.srm).toMatchObject({ mismatch: false, unit: 'users' });
    expect(r.unattributed).toMatchObject({ unexposedUsers: 1, unexposedRewards: 1 });
    expect(r.notes.join(' ')).toContain('no exposure');
  });

  it('tests numeric rewards per user with Welch and the mSPRT on per-user sums', async () => {
    await create({ ...ab3, key: 'revenue', arms: ab3.arms.slice(0, 2) });
    const revenue = (armName: string, base: number) =>
      Array.from({ length: 300 }, (_, i) => {
        const userId = `${armName}-${i}`;
        return [
          wireEvent({ experiment: 'revenue', arm: armName, userId }),
          wireEvent({ experiment: 'revenue', arm: armName, userId, type: 'reward', value: base + (i % 5) }),
          wireEvent({ experiment: 'revenue', arm: armName, userId, type: 'reward', value: 0.5 }),
        ];
      }).flat();
    await send([...revenue('a', 1), ...revenue('b', 2)]);
    const r = await results('revenue');
    expect(r.metric).toBe('mean');
    expect(r.arms[0].metric.value).toBeCloseTo(3.5); // 1 + mean(0..4) + 0.5, per user
    const b = r.arms[1];
    expect(b.welch).toMatchObject({ unit: 'users', meanControl: 3.5, meanTreatment: 4.5 });
    expect(b.welch.diff).toBeCloseTo(1);
    expect(b.welch.pValue).toBeLessThan(1e-6);
    expect(b.zTest).toBeNull();
    expect(b.sequential).toMatchObject({ metric: 'mean', unit: 'users' });
    expect(b.sequential.pValue).toBeLessThan(0.05);
    expect(r.verdict).toMatchObject({ arm: 'b', status: 'significant', direction: 'better' });
  });

  it('adjusts three arms with Holm and picks the winner by the stated rule', async () => {
    await create(ab3);
    await send([
      ...users('three', 'a', 1000, 100),
      ...users('three', 'b', 1000, 110),
      ...users('three', 'c', 1000, 200),
    ]);
    const r = await results('three');
    expect(r).toMatchObject({ comparisons: 2, correction: 'holm' });
    expect(r.verdictRule).toContain('Holm');
    const [, b, c] = r.arms;
    for (const x of [b, c]) {
      expect(x.pValue.correction).toBe('holm');
      expect(x.pValue.adjusted).toBeGreaterThanOrEqual(x.pValue.raw);
    }
    // Holm: the smaller p doubles, the larger is max(itself, the first adjusted)
    expect(c.pValue.adjusted).toBeCloseTo(Math.min(1, 2 * c.pValue.raw), 10);
    expect(b.pValue.adjusted).toBeCloseTo(Math.max(b.pValue.raw, c.pValue.adjusted), 10);
    expect(c.verdict.status).toBe('significant');
    expect(r.verdict).toMatchObject({ arm: 'c', direction: 'better' });
  });

  it('reads a bandit per decision: rewards tied by exposureId, per-arm confidence sequences and IPS values', async () => {
    await create({
      key: 'bandit',
      type: 'bandit',
      seed: 1,
      policy: 'thompson',
      arms: [arm('a', 0.5), arm('b', 0.5)],
    });
    const events: object[] = [];
    for (let i = 0; i < 400; i++) {
      const armName = i % 4 === 0 ? 'a' : 'b';
      const probability = armName === 'a' ? 0.25 : 0.75;
      const exposure = wireEvent({ experiment: 'bandit', arm: armName, userId: `u${i % 50}`, probability });
      events.push(exposure);
      const wins = armName === 'b' ? i % 2 === 1 : i % 8 === 0;
      events.push(
        wireEvent({
          experiment: 'bandit',
          arm: armName,
          userId: `u${i % 50}`,
          type: 'reward',
          value: wins ? 1 : 0,
          exposureId: exposure.id,
        }),
      );
    }
    events.push(
      wireEvent({ experiment: 'bandit', arm: 'a', type: 'reward', value: 1, exposureId: randomUUID() }),
    );
    await send(events);
    const r = await results('bandit');
    expect(r).toMatchObject({ unit: 'decisions', metric: 'proportion', srm: null });
    const [a, b] = r.arms;
    expect(a).toMatchObject({ decisions: 100, metric: { value: 0.5, n: 100, unit: 'decisions' } });
    expect(b).toMatchObject({ decisions: 300, metric: { unit: 'decisions' } });
    expect(b.metric.value).toBeCloseTo(2 / 3);
    expect(a.confidenceSequence).toMatchObject({ unit: 'decisions', n: 100 });
    expect(a.confidenceSequence.lower).toBeLessThan(0.5);
    expect(a.confidenceSequence.upper).toBeGreaterThan(0.5);
    // IPS of "always a": Σ r/p over a's decisions / all decisions = (50 · 4) / 400
    expect(a.ips).toMatchObject({ unit: 'decisions', n: 400 });
    expect(a.ips.value).toBeCloseTo(0.5);
    expect(a.ips.selfNormalized).toBeCloseTo(0.5);
    expect(b.ips.value).toBeCloseTo(b.metric.value, 1);
    expect(r.unattributed).toMatchObject({ unknownExposureRewards: 1, rewardsWithoutExposureId: 0 });
  });
});
