// The remote backend against the real server: the same load/predict API, run by the server's
// /v1/predict, when the app asks for it or no on-device backend can run the model.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Edgewise } from '@edgewise/sdk';
import { buildServer } from '@edgewise/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const models = join(import.meta.dirname, '../../../../models');
const expected = JSON.parse(await readFile(join(models, 'expected/iris.json'), 'utf8')) as {
  inputs: number[][];
  outputs: Record<string, number[][]>;
};

describe('remote inference through the server', () => {
  let server: FastifyInstance;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-remote-'));
    server = await buildServer({
      modelsRoot: models,
      sqlitePath: join(dir, 'db.sqlite'),
      writeKeys: ['pk_test'],
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('predicts on the server when the app asks for the remote backend, downloading nothing', async () => {
    const ew = await Edgewise.create({
      manifestUrl: `${base}/v1/manifest`,
      backends: ['remote'],
      writeKey: 'pk_test',
    });
    const model = await ew.load('iris');
    expect(model.describe()).toMatchObject({ backend: 'remote', runtime: 'server', version: '1.0.0' });
    const { probabilities } = await model.predict({ input: Float32Array.from(expected.inputs[0]!) });
    expect(probabilities!.dims).toEqual([1, 3]);
    Array.from(probabilities!.data as Float32Array).forEach((p, j) => {
      expect(p).toBeCloseTo(expected.outputs.fp32![0]![j]!, 5);
    });
    await ew.close();
  });

  it('falls back to the server when no on-device backend is available (no WebGPU in Node)', async () => {
    const ew = await Edgewise.create({
      manifestUrl: `${base}/v1/manifest`,
      backends: ['webgpu', 'remote'],
      writeKey: 'pk_test',
    });
    const model = await ew.load('iris');
    expect(model.backend).toBe('remote');
    const outs = await model.predictBatch(
      expected.inputs.slice(0, 3).map((r) => ({ input: Float32Array.from(r) })),
    );
    expect(outs).toHaveLength(3);
    await ew.close();
  });

  it('loads on WASM from the server manifest when it can, and caches the bytes in memory', async () => {
    const ew = await Edgewise.create({ manifestUrl: `${base}/v1/manifest`, backends: ['wasm'] });
    const first = await ew.load('iris', { variant: 'base' });
    const again = await ew.load('iris', { variant: 'base' });
    expect(first.describe()).toMatchObject({ backend: 'wasm', source: 'network' });
    expect(again.source).toBe('cache');
    const { probabilities } = await again.predict({ input: Float32Array.from(expected.inputs[1]!) });
    expect(probabilities!.data[0]).toBeCloseTo(expected.outputs.fp32![1]![0]!, 6);
    await ew.close();
  });
});
