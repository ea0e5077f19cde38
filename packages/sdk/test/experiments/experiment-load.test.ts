// Loading under an experiment against the real server: each arm runs exactly its variant, every
// exposure is a decision whose id the predictions and rewards that follow it carry, and a device
// that cannot run its arm's variant runs control, unexposed, with an `ineligible` event saying why.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeOnnx, encodeOnnx } from '@edgewise/model-tools';
import type { ExperimentConfig, ModelManifest, ModelVersion } from '@edgewise/protocol';
import { buildServer } from '@edgewise/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Edgewise } from '../../src/edgewise.js';
import type { EdgewiseEvent } from '../../src/events/event-types.js';
import { assignArm } from '../../src/experiments/assign-arm.js';

const repoModels = join(import.meta.dirname, '../../../../models');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const row = [5.1, 3.5, 1.4, 0.2];

/** iris 1.0.0 with its fp32 file, its int8 variant, and a variant this runtime cannot run. */
async function modelsFolder(dir: string): Promise<ModelManifest> {
  const real = JSON.parse(await readFile(join(repoModels, 'manifest.json'), 'utf8')) as ModelManifest;
  const v1 = structuredClone(real.models.iris!.versions['1.0.0']) as ModelVersion;
  await mkdir(join(dir, 'iris/1.0.0'), { recursive: true });
  for (const file of ['iris.fp32.onnx', 'iris.int8.onnx']) {
    await copyFile(join(repoModels, 'iris/1.0.0', file), join(dir, 'iris/1.0.0', file));
  }
  // A real runtime gap: one op from a domain onnxruntime-web has no kernels for.
  const model = decodeOnnx(await readFile(join(repoModels, 'iris/1.0.0/iris.fp32.onnx')));
  const node = model.graph!.node![0]!;
  node.domain = 'com.example.missing';
  model.opsetImport!.push({ domain: 'com.example.missing', version: 1 });
  const unsupported = encodeOnnx(model);
  await writeFile(join(dir, 'iris/1.0.0/iris.custom-op.onnx'), unsupported);
  // Loads fine, fails every run: its output is reshaped to a size no input can have.
  const broken = decodeOnnx(await readFile(join(repoModels, 'iris/1.0.0/iris.fp32.onnx')));
  const graph = broken.graph!;
  const last = graph.node!.at(-1)!;
  last.output = ['pre_reshape'];
  graph.node!.push({
    opType: 'Reshape',
    input: ['pre_reshape', 'bad_shape'],
    output: [graph.output![0]!.name!],
  });
  graph.initializer!.push({ name: 'bad_shape', dims: [2], dataType: 7, int64Data: [7, -1] });
  const failing = encodeOnnx(broken);
  await writeFile(join(dir, 'iris/1.0.0/iris.broken.onnx'), failing);
  v1.variants = {
    int8: v1.variants!.int8!,
    broken: {
      url: 'iris/1.0.0/iris.broken.onnx',
      format: 'onnx',
      sha256: sha256(failing),
      bytes: failing.byteLength,
      quantization: 'fp32',
    },
    'custom-op': {
      url: 'iris/1.0.0/iris.custom-op.onnx',
      format: 'onnx',
      sha256: sha256(unsupported),
      bytes: unsupported.byteLength,
      quantization: 'fp32',
    },
  };
  const manifest: ModelManifest = {
    schemaVersion: 1,
    generatedAt: real.generatedAt,
    models: { iris: { channels: { stable: '1.0.0' }, versions: { '1.0.0': v1 } } },
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}

const arms = (third: string) => [
  { name: 'fp32', model: 'iris', version: '1.0.0', variant: 'base', weight: 1 },
  { name: 'int8', model: 'iris', version: '1.0.0', variant: 'int8', weight: 1 },
  { name: third, model: 'iris', version: '1.0.0', variant: third, weight: 1 },
];

describe('loading under an experiment', () => {
  let server: FastifyInstance;
  let base: string;
  let dir: string;
  let manifest: ModelManifest;
  let configs: ExperimentConfig[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgewise-experiment-load-'));
    manifest = await modelsFolder(join(dir, 'models'));
    server = await buildServer({
      modelsRoot: join(dir, 'models'),
      sqlitePath: join(dir, 'db.sqlite'),
      writeKeys: ['pk_test'],
      policyIntervalMs: 0,
      experiments: [
        { key: 'iris-variants', type: 'ab', seed: 3, arms: arms('custom-op') },
        { key: 'iris-binary', type: 'ab', seed: 3, arms: arms('int8').slice(0, 2), reward: { binary: true } },
        { key: 'iris-health', type: 'ab', seed: 5, arms: [arms('broken')[0]!, arms('broken')[2]!] },
      ],
    });
    base = await server.listen({ host: '127.0.0.1', port: 0 });
    configs = ((await (await fetch(`${base}/v1/experiments`)).json()) as { experiments: ExperimentConfig[] })
      .experiments;
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The first user ids that land in each arm. */
  function usersByArm(): Record<string, string> {
    const config = configs.find((c) => c.key === 'iris-variants')!;
    const found: Record<string, string> = {};
    for (let i = 0; Object.keys(found).length < 3; i++) {
      const { arm } = assignArm(`user-${i}`, config);
      found[arm] ??= `user-${i}`;
    }
    return found;
  }

  async function session(userId: string, health?: { predictionSampleRate: number }) {
    const sent: EdgewiseEvent[] = [];
    const ew = await Edgewise.create({
      ...(health ? { health } : {}),
      manifestUrl: `${base}/v1/manifest`,
      experimentsUrl: `${base}/v1/experiments`,
      collectorUrl: `${base}/v1/events`,
      writeKey: 'pk_test',
      userId,
      backends: ['wasm'],
      events: {
        fetch: async (url, init) => {
          sent.push(...(JSON.parse(String(init?.body)) as { events: EdgewiseEvent[] }).events);
          return fetch(url, init);
        },
      },
    });
    return { ew, sent };
  }

  it("runs exactly the arm's file: users in different arms run different bytes", async () => {
    const users = usersByArm();
    const described = [];
    for (const arm of ['fp32', 'int8']) {
      const { ew } = await session(users[arm]!);
      const model = await ew.load('iris', { experiment: 'iris-variants' });
      await model.predict({ input: Float32Array.from(row) });
      described.push(model.describe());
      await ew.close();
    }
    const v1 = manifest.models.iris!.versions['1.0.0']!;
    expect(described[0]).toMatchObject({ experiment: 'iris-variants', arm: 'fp32', variant: undefined });
    expect(described[0]!.sha256).toBe(v1.sha256);
    expect(described[1]).toMatchObject({ experiment: 'iris-variants', arm: 'int8', variant: 'int8' });
    expect(described[1]!.sha256).toBe(v1.variants!.int8!.sha256);
  });

  it('ties predictions and rewards to the decision, with its policy version and variant', async () => {
    const { ew, sent } = await session(usersByArm().int8!);
    const model = await ew.load('iris', { experiment: 'iris-variants' });
    await model.predict({ input: Float32Array.from(row) });
    await model.reward(1);
    await model.reward(0.5);
    await ew.flush();
    await ew.close();
    const exposure = sent.find((e) => e.type === 'exposure')!;
    expect(exposure).toMatchObject({ arm: 'int8', variant: 'int8', policyVersion: '1', probability: 1 / 3 });
    const following = sent.filter((e) => e.type !== 'exposure');
    expect(following.map((e) => e.type)).toEqual(['load', 'prediction', 'reward', 'reward']);
    expect(following[0]!.latencyMs).toBeGreaterThan(0);
    for (const e of following) expect(e).toMatchObject({ exposureId: exposure.id, policyVersion: '1' });
  });

  it('runs control, unexposed, when the device cannot run the arm, and says why', async () => {
    const { ew, sent } = await session(usersByArm()['custom-op']!);
    const model = await ew.load('iris', { experiment: 'iris-variants' });
    const { probabilities } = await model.predict({ input: Float32Array.from(row) });
    await model.reward(1);
    await ew.flush();
    await ew.close();
    expect(model.describe()).toMatchObject({ experiment: undefined, arm: undefined, variant: undefined });
    expect(model.describe().sha256).toBe(manifest.models.iris!.versions['1.0.0']!.sha256);
    expect(probabilities!.dims).toEqual([1, 3]);
    // The arm's failed load is health too: the backend that refused it, then why it is not exposed.
    expect(sent.map((e) => e.type)).toEqual(['fallback', 'ineligible']);
    for (const e of sent) expect(e).toMatchObject({ arm: 'custom-op', variant: 'custom-op' });
    expect(sent[1]!.reason).toMatch(/com\.example\.missing|implementation|backend/i);
  });

  it('refuses, before sending, a reward the experiment does not declare; sends the ones it does', async () => {
    const { ew, sent } = await session('user-1');
    const model = await ew.load('iris', { experiment: 'iris-binary' });
    await expect(model.reward(0.5)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('takes rewards 0 or 1'),
    });
    await model.reward(1);
    const flushed = await ew.flush();
    await ew.close();
    expect(sent.filter((e) => e.type === 'reward').map((e) => e.value)).toEqual([1]);
    expect(flushed).toMatchObject({ rejected: 0 });
  });

  it('sends one error event per failed predict call, with its code, tied to the decision', async () => {
    const config = configs.find((c) => c.key === 'iris-health')!;
    let userId = '';
    for (let i = 0; !userId; i++) if (assignArm(`user-${i}`, config).arm === 'broken') userId = `user-${i}`;
    const { ew, sent } = await session(userId);
    const model = await ew.load('iris', { experiment: 'iris-health' });
    for (let i = 0; i < 2; i++) {
      await expect(model.predict({ input: Float32Array.from(row) })).rejects.toMatchObject({
        code: 'INFERENCE',
      });
    }
    await ew.flush();
    await ew.close();
    const exposure = sent.find((e) => e.type === 'exposure')!;
    const errors = sent.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(2);
    for (const e of errors) {
      expect(e).toMatchObject({
        arm: 'broken',
        variant: 'broken',
        code: 'INFERENCE',
        exposureId: exposure.id,
      });
      expect(e.reason).toMatch(/Reshape/);
    }
    expect(sent.filter((e) => e.type === 'prediction')).toHaveLength(0);
  });

  it('samples prediction events at the configured rate, each saying the rate it was sent at', async () => {
    const { ew, sent } = await session(usersByArm().fp32!, { predictionSampleRate: 0.25 });
    const model = await ew.load('iris', { experiment: 'iris-variants' });
    for (let i = 0; i < 200; i++) await model.predict({ input: Float32Array.from(row) });
    await ew.flush();
    await ew.close();
    const predictions = sent.filter((e) => e.type === 'prediction');
    // Binomial(200, 0.25): mean 50, sd 6.1; outside [20, 80] is a broken sampler, not bad luck.
    expect(predictions.length).toBeGreaterThanOrEqual(20);
    expect(predictions.length).toBeLessThanOrEqual(80);
    for (const e of predictions) expect(e.sampleRate).toBe(0.25);
    expect(sent.filter((e) => e.type === 'load')).toHaveLength(1);
  });
});
