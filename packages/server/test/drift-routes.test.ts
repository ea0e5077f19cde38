// Model monitoring through the HTTP API: devices' summary events are stored apart from the event
// rows, merged per arm for a day, and compared with the version's baseline.
import { MIN_SUMMARY_PREDICTIONS, type ModelSummary } from '@edgewise/protocol';
import { createRng, sampleBeta } from '@edgewise/stats';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { ExperimentDefinition } from '../src/storage/records.js';
import { wireEvent } from './support/events.js';
import { renderDashboard } from './support/mini-dom.js';
import { adminHeaders, modelsRoot, TEST_NOW, testServer, writeHeaders } from './support/server.js';
import { pixelSummary } from './support/summaries.js';

const EXPERIMENT: ExperimentDefinition = {
  key: 'digits',
  type: 'ab',
  seed: 3,
  arms: [
    { name: 'plain', model: 'mnist', version: '1.0.0', weight: 1 },
    { name: 'inverted', model: 'mnist', version: '1.0.0', variant: 'int8', weight: 1 },
  ],
};

const summaryOf = (pixels: readonly number[], classes: number[], predictions = 40) =>
  pixelSummary(pixels, classes, { predictions });

/** A summary event of the experiment's arm, a minute before the server's pinned time. */
const summaryEvent = (experiment: string, arm: string, summary: ModelSummary | undefined, variant?: string) =>
  wireEvent({
    type: 'summary',
    experiment,
    arm,
    modelVersion: '1.0.0',
    ts: new Date(TEST_NOW - 60_000).toISOString(),
    ...(summary ? { summary } : {}),
    ...(variant ? { variant } : {}),
  });

const postEvents = (app: FastifyInstance, events: object[]) =>
  app.inject({ method: 'POST', url: '/v1/events', headers: writeHeaders, payload: { events } });

const putBaseline = (app: FastifyInstance, summary: ModelSummary, variant?: string) =>
  app.inject({
    method: 'PUT',
    url: '/v1/models/mnist/1.0.0/baseline',
    headers: adminHeaders,
    payload: { summary, ...(variant ? { variant } : {}) },
  });

describe('drift API', () => {
  const rng = createRng(11);
  const pixels = (n: number, invert: boolean) =>
    Array.from({ length: n }, () => {
      const x = sampleBeta(rng, 0.3, 2);
      return invert ? 1 - x : x;
    });

  it('stores summaries, merges a day of them per arm and flags the shifted one against its baseline', async () => {
    const app = await testServer({ modelsRoot, experiments: [EXPERIMENT] });
    const baseline = summaryOf(pixels(4000, false), [100, 110, 95, 105, 90, 100, 98, 102, 100, 100], 1000);
    for (const variant of [undefined, 'int8']) {
      const res = await putBaseline(app, baseline, variant);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'mnist', version: '1.0.0', predictions: 1000 });
    }
    const event = (arm: string, summary: ModelSummary, variant?: string) =>
      summaryEvent('digits', arm, summary, variant);
    const events = [
      event('plain', summaryOf(pixels(1500, false), [10, 11, 9, 10, 9, 10, 10, 11, 10, 10])),
      event('plain', summaryOf(pixels(1500, false), [9, 10, 10, 11, 10, 9, 10, 10, 11, 10])),
      event('inverted', summaryOf(pixels(1500, true), [2, 80, 2, 2, 2, 2, 2, 2, 2, 4]), 'int8'),
      event('inverted', summaryOf(pixels(1500, true), [1, 85, 2, 2, 2, 1, 2, 2, 1, 2]), 'int8'),
    ];
    const posted = await postEvents(app, events);
    expect(posted.json()).toEqual({ accepted: 4, duplicates: 0 });
    // A retry changes nothing.
    await postEvents(app, events);

    const drift = await app.inject({ method: 'GET', url: '/v1/experiments/digits/drift?day=2026-11-25' });
    expect(drift.statusCode).toBe(200);
    const body = drift.json() as {
      day: string;
      arms: {
        arm: string;
        summaries: number;
        livePredictions: number;
        report: { drifted: boolean; measures: { name: string; drifted: boolean }[] };
      }[];
    };
    expect(body.day).toBe('2026-11-25');
    const plain = body.arms.find((a) => a.arm === 'plain');
    const inverted = body.arms.find((a) => a.arm === 'inverted');
    expect(plain).toMatchObject({ summaries: 2, livePredictions: 80, report: { drifted: false } });
    expect(inverted).toMatchObject({ summaries: 2, livePredictions: 80, report: { drifted: true } });
    expect(inverted?.report.measures.filter((m) => m.drifted).map((m) => m.name)).toEqual([
      'inputs.pixels',
      'outputs.probabilities.classes',
    ]);
    // Another day holds none of them.
    const other = (
      await app.inject({ method: 'GET', url: '/v1/experiments/digits/drift?day=2026-11-24' })
    ).json();
    expect(other.arms[0]).toMatchObject({ summaries: 0, reason: 'no device summaries that day' });
    // The summary events counted as events; their sketches are not in the event rows.
    expect(await app.edgewise.store.events.count()).toBe(4);

    // Without ?day, the server's day (pinned at TEST_NOW here); the dashboard shows it.
    const today = await app.inject({ method: 'GET', url: '/v1/experiments/digits/drift' });
    expect(today.json().day).toBe('2026-11-25');
    const { html } = await renderDashboard(app);
    expect(html).toContain('data-drift-alert="inverted"');
    expect(html).toContain('data-version="mnist@1.0.0/int8"');
    expect(html).not.toContain('data-drift-alert="plain"');
    expect(html).toContain('data-drift-arm="plain" data-drift-measure="inputs.pixels" data-drifted="false"');
    expect(html).toContain(
      'data-drift-arm="inverted" data-drift-measure="inputs.pixels" data-drifted="true"',
    );
    expect(html).toContain('data-plot="drift-psi"');
    await app.close();
  });

  it('refuses a summary under the minimum count and a baseline for a version that does not exist', async () => {
    const app = await testServer({ modelsRoot, experiments: [EXPERIMENT] });
    const small = summaryOf([0.1, 0.2], [1, 1], MIN_SUMMARY_PREDICTIONS - 1);
    const res = await postEvents(app, [summaryEvent('digits', 'plain', small)]);
    expect(res.statusCode).toBe(207);
    expect(res.json().rejected[0]).toMatchObject({ field: 'events[0].summary.predictions' });
    const missing = await postEvents(app, [summaryEvent('digits', 'plain', undefined)]);
    expect(missing.statusCode).toBe(400);
    const noVersion = await app.inject({
      method: 'PUT',
      url: '/v1/models/mnist/9.9.9/baseline',
      headers: adminHeaders,
      payload: { summary: summaryOf([0.1], [1]) },
    });
    expect(noVersion.statusCode).toBe(404);
    const notAdmin = await app.inject({
      method: 'PUT',
      url: '/v1/models/mnist/1.0.0/baseline',
      headers: writeHeaders,
      payload: { summary: summaryOf([0.1], [1]) },
    });
    expect(notAdmin.statusCode).toBe(403);
    const badSketch = summaryOf([0.1], [1]);
    badSketch.inputs.pixels!.sketch.count = 99;
    const bad = await putBaseline(app, badSketch);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/body.summary.inputs.pixels.sketch.count must equal/);
    const none = await app.inject({ method: 'GET', url: '/v1/experiments/digits/drift' });
    expect(none.json().arms[0]).toMatchObject({
      baseline: false,
      reason: expect.stringMatching(/no baseline/),
    });
    await app.close();
  });

  it('feeds a drift guardrail: the arm whose devices drift is stopped, with the PSI in the reason', async () => {
    const guarded: ExperimentDefinition = {
      ...EXPERIMENT,
      key: 'digits-guarded',
      guardrails: [{ metric: 'drift', maxAbsolute: 0.25, minSamples: 50 }],
    };
    const app = await testServer({ modelsRoot, experiments: [guarded] });
    const baseline = summaryOf(pixels(4000, false), [100, 110, 95, 105, 90, 100, 98, 102, 100, 100], 1000);
    for (const variant of [undefined, 'int8']) await putBaseline(app, baseline, variant);
    const send = (arm: string, invert: boolean, variant?: string) =>
      postEvents(app, [
        summaryEvent(
          guarded.key,
          arm,
          summaryOf(pixels(1500, invert), [10, 11, 9, 10, 9, 10, 10, 11, 10, 10]),
          variant,
        ),
      ]);
    await send('plain', false);
    await send('inverted', true, 'int8');
    // 40 predictions are too few for this guardrail: it waits.
    let served = await app.inject({ method: 'GET', url: `/v1/experiments/${guarded.key}/guardrails` });
    expect(served.json().guardrails).toEqual([
      expect.objectContaining({
        metric: 'drift',
        arm: 'inverted',
        status: 'waiting',
        samples: 40,
        pValue: null,
      }),
    ]);
    await send('inverted', true, 'int8');
    served = await app.inject({ method: 'GET', url: `/v1/experiments/${guarded.key}/guardrails` });
    const evaluation = served.json().guardrails[0];
    expect(evaluation).toMatchObject({
      metric: 'drift',
      arm: 'inverted',
      status: 'breached',
      samples: 80,
      threshold: 0.25,
    });
    expect(evaluation.observed).toBeGreaterThan(1);
    const stop = served.json().stops.find((s: { arm: string }) => s.arm === 'inverted');
    expect(stop).toMatchObject({ by: 'guardrail', metric: 'drift' });
    expect(stop.reason).toMatch(/^drift: PSI [\d.]+ above 0.25 against the baseline \(n = 80 predictions\)$/);

    const bad = await app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: adminHeaders,
      payload: { ...guarded, key: 'bad-drift', guardrails: [{ metric: 'drift', maxRelativeIncrease: 0.5 }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/drift guardrail bounds the day's largest PSI.*use maxAbsolute/);
    await app.close();
  });
});
