import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import { adminHeaders, modelsRoot, testServer, writeHeaders } from './support/server.js';

const expected = JSON.parse(readFileSync(join(modelsRoot, 'expected/iris.json'), 'utf8')) as {
  inputs: number[][];
  outputs: { fp32: number[][] };
};

describe('remote inference', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testServer({ modelsRoot, predictionCacheSize: 4 });
  });
  afterAll(async () => {
    await app.close();
  });
  const body = (rows: number[][], extra: object = {}) => ({
    model: 'iris',
    inputs: { input: { dims: [rows.length, 4], data: rows.flat() } },
    ...extra,
  });

  it('predicts with the stable version and matches the committed outputs', async () => {
    const rows = expected.inputs.slice(0, 3);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: writeHeaders,
      payload: body(rows),
    });
    expect(res.statusCode).toBe(200);
    const out = res.json();
    expect(out).toMatchObject({ model: 'iris', version: '1.0.0', cached: false });
    expect(out.outputs.probabilities).toMatchObject({ dims: [3, 3], dtype: 'float32' });
    const want = expected.outputs.fp32.slice(0, 3).flat();
    for (const [i, v] of (out.outputs.probabilities.data as number[]).entries()) {
      expect(v).toBeCloseTo(want[i] as number, 5);
    }
    const again = await app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: writeHeaders,
      payload: body(rows),
    });
    expect(again.json().cached).toBe(true);
    expect(again.json().outputs).toEqual(out.outputs);
  });

  it('runs a version published to the registry', async () => {
    const bytes = readFileSync(join(modelsRoot, 'iris/1.0.0/iris.int8.onnx'));
    const pub = await app.inject({
      method: 'POST',
      url: '/v1/models',
      headers: {
        ...adminHeaders,
        'content-type': 'application/octet-stream',
        'x-edgewise-model': JSON.stringify({ name: 'iris', version: '1.0.0-int8' }),
      },
      payload: bytes,
    });
    expect(pub.statusCode).toBe(201);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: writeHeaders,
      payload: body(expected.inputs.slice(0, 1), { version: '1.0.0-int8' }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe('1.0.0-int8');
  });

  it('answers 4xx with what to fix for bad requests', async () => {
    const post = (payload: object, headers: Record<string, string> = writeHeaders) =>
      app.inject({ method: 'POST', url: '/v1/predict', headers, payload });
    expect((await post(body([[1, 2, 3, 4]]), {})).statusCode).toBe(401);
    const shape = await post({ model: 'iris', inputs: { input: { dims: [1, 4], data: [1, 2, 3] } } });
    expect(shape.statusCode).toBe(400);
    expect(shape.json().message).toMatch(/inputs.input.data has 3 values/);
    const name = await post({ model: 'iris', inputs: { x: { dims: [1, 4], data: [1, 2, 3, 4] } } });
    expect(name.json().message).toMatch(/inputs must be exactly input/);
    expect((await post({ model: 'nope', inputs: { x: { dims: [1], data: [1] } } })).statusCode).toBe(404);
    expect(
      (await post(body([[1, 2, 3, 4]], { version: '1.0.0', channel: 'x', extra: 1 }))).json().field,
    ).toBe('body');
  });

  it('runs async predictions and keeps their results in the store', async () => {
    const accepted = await app.inject({
      method: 'POST',
      url: '/v1/predict/async',
      headers: writeHeaders,
      payload: body(expected.inputs.slice(3, 5)),
    });
    expect(accepted.statusCode).toBe(202);
    const { taskId } = accepted.json();
    await app.edgewise.tasks.drain();
    const task = await app.inject({ method: 'GET', url: `/v1/tasks/${taskId}`, headers: writeHeaders });
    expect(task.json()).toMatchObject({
      taskId,
      status: 'done',
      result: { model: 'iris', version: '1.0.0' },
    });
    expect((await app.edgewise.store.tasks.get(taskId))?.status).toBe('done');

    const failing = await app.inject({
      method: 'POST',
      url: '/v1/predict/async',
      headers: writeHeaders,
      payload: { model: 'iris', inputs: { input: { dims: [1, 4], data: [1] } } },
    });
    await app.edgewise.tasks.drain();
    const failed = await app.inject({
      method: 'GET',
      url: `/v1/tasks/${failing.json().taskId}`,
      headers: writeHeaders,
    });
    expect(failed.json()).toMatchObject({ status: 'failed', error: expect.stringMatching(/1 values/) });
    const missing = await app.inject({
      method: 'GET',
      url: '/v1/tasks/00000000-0000-0000-0000-000000000000',
      headers: writeHeaders,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('finishes tasks a previous process left pending', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    await store.tasks.create('11111111-1111-1111-1111-111111111111', body(expected.inputs.slice(0, 1)));
    const restarted = await testServer({ modelsRoot, store });
    await restarted.ready();
    await restarted.edgewise.tasks.drain();
    expect(await store.tasks.get('11111111-1111-1111-1111-111111111111')).toMatchObject({ status: 'done' });
    await restarted.close();
  });
});
