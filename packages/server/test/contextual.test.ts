import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { rng } from './support/rng.js';
import { adminHeaders, createExperiment, sendEvents, testServer, writeHeaders } from './support/server.js';

const contextual = {
  key: 'variant-by-device',
  type: 'contextual',
  seed: 7,
  arms: [
    { name: 'fp32', model: 'mnist', version: '1.0.0', weight: 1 },
    { name: 'fp16', model: 'mnist', version: '1.0.0', variant: 'fp16', weight: 1 },
    { name: 'int8', model: 'mnist', version: '1.0.0', variant: 'int8', weight: 1 },
  ],
};

/** Conversion rate and prediction latency per (class, arm): fp16 wins on WebGPU, int8 on small WASM devices. */
const WORLD: Record<string, Record<string, { conversion: number; latencyMs: number }>> = {
  'webgpu-f16': {
    fp32: { conversion: 0.3, latencyMs: 12 },
    fp16: { conversion: 0.3, latencyMs: 4 },
    int8: { conversion: 0.25, latencyMs: 9 },
  },
  'wasm-2-cores': {
    fp32: { conversion: 0.3, latencyMs: 60 },
    fp16: { conversion: 0.3, latencyMs: 140 },
    int8: { conversion: 0.29, latencyMs: 20 },
  },
};

describe('contextual experiments: weights per device class, a composite reward, OPE', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await testServer();
  });
  afterEach(async () => {
    await app.close();
  });
  const create = (body: object) => createExperiment(app, body);
  const send = (events: object[]) => sendEvents(app, events);
  /** Decisions logged uniformly (propensity 1/3), each with its conversion and one prediction's latency. */
  const traffic = (perClass: number) => {
    const random = rng(11);
    const events: object[] = [];
    for (const [context, arms] of Object.entries(WORLD)) {
      for (let i = 0; i < perClass; i++) {
        const arm = ['fp32', 'fp16', 'int8'][i % 3]!;
        const truth = arms[arm]!;
        const exposure = wireEvent({
          experiment: contextual.key,
          arm,
          userId: `${context}-${i}`,
          probability: 1 / 3,
          context,
        });
        const follow = {
          experiment: contextual.key,
          arm,
          userId: `${context}-${i}`,
          probability: 1 / 3,
          context,
        };
        events.push(
          exposure,
          wireEvent({ ...follow, type: 'prediction', latencyMs: truth.latencyMs, exposureId: exposure.id }),
          wireEvent({
            ...follow,
            type: 'reward',
            value: random() < truth.conversion ? 1 : 0,
            exposureId: exposure.id,
          }),
        );
      }
    }
    return events;
  };
  const recompute = async () =>
    (
      await app.inject({
        method: 'POST',
        url: `/v1/experiments/${contextual.key}/policy`,
        headers: adminHeaders,
      })
    ).json();
  const best = (weights: number[]) => contextual.arms[weights.indexOf(Math.max(...weights))]!.name;

  it('refuses what a contextual experiment cannot have, and events with an unknown class', async () => {
    expect((await create({ ...contextual, policy: 'ucb1' })).json().message).toContain(
      'hierarchical Thompson',
    );
    const ab = await create({ ...contextual, type: 'ab', objective: { latencyWeight: 0.01 } });
    expect(ab.statusCode).toBe(400);
    expect(ab.json().message).toContain('objective is only for type "contextual"');
    expect((await create({ ...contextual, objective: { latencyWeight: -1 } })).json().field).toContain(
      'latencyWeight',
    );
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: writeHeaders,
      payload: {
        events: [wireEvent({ experiment: contextual.key, arm: 'fp32', context: 'nvidia-rtx-4090' })],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toContain('context');
  });

  it('learns a different best variant per class from the composite reward, and λ changes it without a release', async () => {
    await create({ ...contextual, objective: { latencyWeight: 0.01 } });
    await send(traffic(600));
    const served = await recompute();
    expect(served.policyVersion).toBe(2);
    expect(best(served.contextWeights['webgpu-f16'])).toBe('fp16');
    expect(best(served.contextWeights['wasm-2-cores'])).toBe('int8');
    for (const weights of Object.values(served.contextWeights) as number[][]) {
      expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
      expect(Math.min(...weights)).toBeGreaterThanOrEqual(0.01 - 1e-12);
    }
    // Every class is served, seen or not; an unseen one starts from what the others learned.
    expect(Object.keys(served.contextWeights).sort()).toHaveLength(7);
    expect(served.policyWeights).toHaveLength(3);
    const list = (await app.inject({ method: 'GET', url: '/v1/experiments' })).json();
    expect(list.experiments[0].contextWeights).toEqual(served.contextWeights);

    // The server assigns a user as the SDK does, by their class's weights.
    const assign = async (deviceClass: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/assignments',
          headers: writeHeaders,
          payload: { userId: 'someone', deviceClass },
        })
      ).json().assignments[contextual.key];
    const onGpu = await assign('webgpu-f16');
    const index = contextual.arms.findIndex((a) => a.name === onGpu.arm);
    expect(onGpu.probability).toBeCloseTo(served.contextWeights['webgpu-f16'][index], 12);

    // Without the latency cost, conversion alone decides; fp32 converts as well as fp16 and int8 on
    // small devices converts a little less, so int8 is no longer the clear winner there.
    await create({ ...contextual, objective: {} });
    const conversionOnly = await recompute();
    expect(conversionOnly.contextWeights['wasm-2-cores'][2]).toBeLessThan(
      served.contextWeights['wasm-2-cores'][2],
    );
  });

  it('estimates fixed policies off-policy within their intervals of the truth, and says what is wrong with a bad one', async () => {
    await create({ ...contextual, objective: { latencyWeight: 0.01 } });
    await send(traffic(900));
    const value = (context: string, arm: string) =>
      WORLD[context]![arm]!.conversion - 0.01 * WORLD[context]![arm]!.latencyMs;
    const truth = {
      int8: (value('webgpu-f16', 'int8') + value('wasm-2-cores', 'int8')) / 2,
      'webgpu-f16:fp16,*:int8': (value('webgpu-f16', 'fp16') + value('wasm-2-cores', 'int8')) / 2,
    };
    // Both candidates, and the served policy, in one request: one read of the log.
    const query = [...Object.keys(truth), 'current'].map((p) => `policy=${encodeURIComponent(p)}`).join('&');
    const res = await app.inject({ method: 'GET', url: `/v1/experiments/${contextual.key}/ope?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.decisions).toBe(1800);
    expect(body.estimates.map((e: { policy: string }) => e.policy)).toEqual([
      ...Object.keys(truth),
      'current',
    ]);
    for (const [i, expected] of Object.values(truth).entries()) {
      const { ips, doublyRobust } = body.estimates[i];
      for (const estimate of [ips, doublyRobust]) {
        expect(estimate.interval[0]).toBeLessThanOrEqual(expected);
        expect(estimate.interval[1]).toBeGreaterThanOrEqual(expected);
      }
      expect(doublyRobust.standardError).toBeLessThan(ips.standardError);
    }
    // A single candidate is a list of one.
    const one = await app.inject({ method: 'GET', url: `/v1/experiments/${contextual.key}/ope?policy=int8` });
    expect(one.json().estimates).toEqual([body.estimates[0]]);
    const refuse = async (policy: string) =>
      (
        await app.inject({ method: 'GET', url: `/v1/experiments/${contextual.key}/ope?policy=${policy}` })
      ).json();
    expect((await refuse('int4')).message).toContain('has fp32, fp16, int8');
    expect((await refuse('gpu:fp16')).message).toContain('not a device class');
    expect((await refuse('webgpu-f16:fp16')).message).toContain('no arm for class "wasm-2-cores"');
  });
});
