import type { ExperimentDefinition } from '@edgewise/protocol';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { wireEvent } from './support/events.js';
import { renderDashboard } from './support/mini-dom.js';
import { adminHeaders, testServer, writeHeaders } from './support/server.js';

const arms = (names: string[]) => names.map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 }));

const SLOW: ExperimentDefinition = {
  key: 'slow-int8',
  type: 'ab',
  seed: 1,
  arms: arms(['control', 'treatment']),
  guardrails: [{ metric: 'latency_p95', maxAbsolute: 50 }],
};

const CRASHY: ExperimentDefinition = {
  key: 'crashy-webgpu',
  type: 'bandit',
  policy: 'thompson',
  seed: 2,
  arms: arms(['control', 'webgpu', 'wasm']),
  guardrails: [{ metric: 'crash_rate', maxAbsolute: 0.02 }],
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const post = (events: object[]) =>
  app!.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });

/** n predictions of one arm, `ms` each: what an SDK batches after n predict calls. */
const predictions = (experiment: string, arm: string, n: number, ms: number) =>
  Array.from({ length: n }, (_, i) =>
    wireEvent({ type: 'prediction', experiment, arm, userId: `${arm}-${i}`, latencyMs: ms }),
  );

async function served(key: string) {
  const res = await app!.inject({ method: 'GET', url: '/v1/experiments' });
  return (
    res.json().experiments as { key: string; arms: { name: string; weight: number; stopped?: object }[] }[]
  ).find((e) => e.key === key)!;
}

describe('guardrails over POST /v1/events', () => {
  it('stops a slow treatment on latency_p95 after the batch that breaches it, and says why everywhere', async () => {
    app = await testServer({ experiments: [SLOW] });
    const before = await app.inject({ method: 'GET', url: '/v1/experiments' });

    // Under minSamples the arm is only waiting, however slow.
    expect((await post(predictions('slow-int8', 'treatment', 10, 200))).statusCode).toBe(200);
    expect((await served('slow-int8')).arms[1]!.stopped).toBeUndefined();

    const res = await post([
      ...predictions('slow-int8', 'control', 100, 8),
      ...predictions('slow-int8', 'treatment', 30, 200),
    ]);
    expect(res.statusCode).toBe(200);
    const exp = await served('slow-int8');
    expect(exp.arms[0]!.stopped).toBeUndefined();
    expect(exp.arms[1]!.stopped).toMatchObject({ by: 'guardrail', metric: 'latency_p95' });
    const reason = (exp.arms[1]!.stopped as { reason: string }).reason;
    expect(reason).toMatch(/^latency_p95 \d+ ms above 50 ms \(always-valid p = .+, n = 40\)$/);
    // A/B weights stay: the SDK sends the stopped arm's users to control.
    expect(exp.arms.map((a) => a.weight)).toEqual([0.5, 0.5]);
    const after = await app.inject({ method: 'GET', url: '/v1/experiments' });
    expect(after.headers.etag).not.toBe(before.headers.etag);

    const guardrails = (
      await app.inject({ method: 'GET', url: '/v1/experiments/slow-int8/guardrails' })
    ).json();
    expect(guardrails.guardrails).toMatchObject([
      {
        metric: 'latency_p95',
        arm: 'treatment',
        bound: 'maxAbsolute',
        threshold: 50,
        samples: 40,
        status: 'breached',
      },
    ]);
    expect(guardrails.stops).toMatchObject([{ arm: 'treatment', by: 'guardrail', reason }]);
    expect(guardrails.health[1]).toMatchObject({ arm: 'treatment', latencySamples: 40 });

    const audit = await app.inject({
      method: 'GET',
      url: '/v1/experiments/slow-int8/audit',
      headers: adminHeaders,
    });
    expect(audit.json().audit).toMatchObject([
      { action: 'stop', arm: 'treatment', actor: 'guardrail', reason },
    ]);

    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'edgewise_guardrail_stops_total{experiment="slow-int8",metric="latency_p95"} 1',
    );

    const dashboard = await renderDashboard(app);
    expect(dashboard.html).toContain('data-stopped-arm="treatment"');
    expect(dashboard.html).toContain(`Arm treatment stopped by a guardrail (latency_p95) at `);
    expect(dashboard.html).toContain(reason.replace(/&/g, '&amp;'));
    expect(dashboard.html).toContain('data-status="breached"');
    expect(dashboard.html).toContain('data-health-arm="treatment"');
  });

  it('stops a crash-looping bandit arm via crash_rate, and serves it with weight 0', async () => {
    app = await testServer({ experiments: [CRASHY] });
    const crashes = Array.from({ length: 25 }, (_, i) =>
      wireEvent({
        type: 'crash',
        experiment: 'crashy-webgpu',
        arm: 'webgpu',
        userId: `u${i}`,
        reason: 'worker exited',
      }),
    );
    const healthy = [
      ...predictions('crashy-webgpu', 'control', 100, 5),
      ...predictions('crashy-webgpu', 'webgpu', 50, 5),
      ...predictions('crashy-webgpu', 'wasm', 100, 5),
    ];
    expect((await post([...healthy, ...crashes])).statusCode).toBe(200);
    const exp = await served('crashy-webgpu');
    expect(exp.arms.map((a) => a.name)).toEqual(['control', 'webgpu', 'wasm']);
    expect(exp.arms[1]).toMatchObject({ weight: 0, stopped: { by: 'guardrail', metric: 'crash_rate' } });
    expect(exp.arms[0]!.weight).toBeCloseTo(0.5, 9);
    expect(exp.arms[2]!.weight).toBeCloseTo(0.5, 9);
    expect(exp.arms[2]!.stopped).toBeUndefined();
    // The next policy run keeps it at 0.
    const recomputed = await app.inject({
      method: 'POST',
      url: '/v1/experiments/crashy-webgpu/policy',
      headers: adminHeaders,
    });
    expect(recomputed.json().policyWeights[1]).toBe(0);
    expect(recomputed.json().arms[1].weight).toBe(0);
  });

  it('never fails a committed batch when the check cannot run', async () => {
    app = await testServer({ experiments: [SLOW] });
    const store = app.edgewise.store;
    const aggregates = store.events.aggregates.bind(store.events);
    store.events.aggregates = async () => {
      throw new Error('database went away');
    };
    expect((await post(predictions('slow-int8', 'treatment', 30, 200))).statusCode).toBe(200);
    store.events.aggregates = aggregates;
    expect((await served('slow-int8')).arms[1]!.stopped).toBeUndefined();
  });
});

describe('POST /v1/experiments/:key/stop and /resume', () => {
  it('needs the admin token, stops and resumes an arm or the experiment, and audits each', async () => {
    app = await testServer({ experiments: [SLOW] });
    const stop = (payload: object, headers: Record<string, string> = adminHeaders, key = 'slow-int8') =>
      app!.inject({ method: 'POST', url: `/v1/experiments/${key}/stop`, headers, payload });
    const resume = (payload: object) =>
      app!.inject({
        method: 'POST',
        url: '/v1/experiments/slow-int8/resume',
        headers: adminHeaders,
        payload,
      });

    expect((await stop({ arm: 'treatment' }, {})).statusCode).toBe(401);
    expect((await stop({ arm: 'treatment' }, { authorization: 'Bearer wrong' })).statusCode).toBe(403);
    expect((await stop({}, adminHeaders, 'nope')).statusCode).toBe(404);
    const unknown = await stop({ arm: 'fp16' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('its arms are control, treatment');
    const control = await stop({ arm: 'control' });
    expect(control.statusCode).toBe(409);
    expect(control.json().message).toContain('Stop the whole experiment instead');
    expect((await stop({ arm: 'treatment', extra: 1 })).statusCode).toBe(400);

    const stopped = await stop({ arm: 'treatment', reason: 'OOM reports from support' });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json().arms[1].stopped).toMatchObject({ by: 'admin', reason: 'OOM reports from support' });
    const whole = await stop({ reason: 'incident 7' });
    expect(whole.json().stopped).toMatchObject({ by: 'admin', reason: 'incident 7' });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/experiments/slow-int8' })).json().stopped,
    ).toBeDefined();

    expect((await resume({})).json().stopped).toBeUndefined();
    const back = await resume({ arm: 'treatment', reason: 'fixed in 1.0.1' });
    expect(back.statusCode).toBe(200);
    expect(back.json().arms[1].stopped).toBeUndefined();

    expect((await app.inject({ method: 'GET', url: '/v1/experiments/slow-int8/audit' })).statusCode).toBe(
      401,
    );
    const audit = await app.inject({
      method: 'GET',
      url: '/v1/experiments/slow-int8/audit',
      headers: adminHeaders,
    });
    expect(
      audit
        .json()
        .audit.map((a: { action: string; arm: string | null; reason: string | null }) => [
          a.action,
          a.arm,
          a.reason,
        ]),
    ).toEqual([
      ['stop', 'treatment', 'OOM reports from support'],
      ['stop', null, 'incident 7'],
      ['resume', null, null],
      ['resume', 'treatment', 'fixed in 1.0.1'],
    ]);
  });

  it('refuses to stop the last running arm of a bandit', async () => {
    app = await testServer({ experiments: [{ ...CRASHY, arms: arms(['a', 'b']) }] });
    const stop = (arm: string) =>
      app!.inject({
        method: 'POST',
        url: '/v1/experiments/crashy-webgpu/stop',
        headers: adminHeaders,
        payload: { arm },
      });
    expect((await stop('a')).statusCode).toBe(200);
    const last = await stop('b');
    expect(last.statusCode).toBe(409);
    expect(last.json().message).toContain('last running arm');
    const exp = await served('crashy-webgpu');
    expect(exp.arms.map((a) => a.weight)).toEqual([0, 1]);
  });
});
