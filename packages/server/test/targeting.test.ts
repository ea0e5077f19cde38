import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Attributes, DeviceClass } from '@edgewise/protocol';
import conditions from '@edgewise/protocol/vectors/conditions.json' with { type: 'json' };
import contextualVectors from '@edgewise/protocol/vectors/contextual.json' with { type: 'json' };
import vectors from '@edgewise/protocol/vectors/targeting.json' with { type: 'json' };
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readExperimentsFile } from '../src/experiments/experiments-file.js';
import { assignExperiment } from '../src/experiments/server-assignment.js';
import type { ExperimentDefinition } from '../src/storage/records.js';
import { adminHeaders, repoRoot, testServer, writeHeaders } from './support/server.js';

// Until the guardrail work serves stops from served-experiment.ts, carry an experiment-level
// `stopped` of a stored definition through, so the vectors' stopped experiment reaches the route.
vi.mock('../src/experiments/served-experiment.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/experiments/served-experiment.js')>();
  return {
    ...real,
    serveExperiment: (record: Parameters<typeof real.serveExperiment>[0]) => {
      const stopped = (record as { stopped?: unknown }).stopped;
      return { ...real.serveExperiment(record), ...(stopped ? { stopped } : {}) };
    },
  };
});

const definitions = vectors.experiments as unknown as ExperimentDefinition[];

describe('POST /v1/assignments on the shared targeting vectors', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testServer({ experiments: definitions, holdout: vectors.holdout });
  });
  afterAll(async () => {
    await app.close();
  });
  const assign = (body: object, headers: Record<string, string> = writeHeaders) =>
    app.inject({ method: 'POST', url: '/v1/assignments', headers, payload: body });

  it('answers every case, for every experiment, as the Python reference does', async () => {
    let checked = 0;
    for (const c of vectors.cases) {
      const res = await assign({ userId: c.userId, attributes: c.attributes });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().assignments, c.userId).toEqual(c.expected);
      checked += Object.keys(c.expected).length;
    }
    expect(checked).toBe(vectors.cases.length * definitions.length);
  });

  it('computes the same answers without the HTTP layer', () => {
    for (const c of vectors.cases)
      for (const e of vectors.experiments) {
        const got = assignExperiment(c.userId, e as never, c.attributes as Attributes, vectors.holdout);
        expect(got).toEqual((c.expected as Record<string, unknown>)[e.key]);
      }
  });

  it('assigns contextual experiments by the device class’s weights as the Python reference does', () => {
    let checked = 0;
    for (const c of contextualVectors.cases)
      for (const e of contextualVectors.experiments) {
        const deviceClass = (c as { deviceClass?: DeviceClass }).deviceClass;
        const got = assignExperiment(c.userId, e as never, {}, undefined, deviceClass);
        expect(got, `${c.userId} (${deviceClass}) in ${e.key}`).toEqual(
          (c.expected as Record<string, unknown>)[e.key],
        );
        checked++;
      }
    expect(checked).toBe(600);
  });

  it('answers every valid conditions.json case as the vectors say', () => {
    for (const c of conditions.valid) {
      const experiment = {
        key: 'conditional',
        type: 'ab' as const,
        seed: 1,
        policyVersion: 1,
        policyWeights: null,
        condition: c.condition,
        arms: [{ name: 'only', model: 'm', version: '1.0.0', weight: 1 }],
      };
      const got = assignExperiment('someone', experiment, c.attributes as Attributes, undefined);
      expect(got.reason, c.name).toBe(c.expected ? 'assigned' : 'condition');
    }
  });

  it('needs a write key and a userId', async () => {
    expect((await assign({ userId: 'u' }, {})).statusCode).toBe(401);
    const missing = await assign({ attributes: {} });
    expect(missing.statusCode).toBe(400);
    expect((await assign({ userId: 'u', attributes: ['DE'] })).statusCode).toBe(400);
  });

  it('serves the holdout, and condition, namespace, coverage and sticky, in GET /v1/experiments', async () => {
    const body = (await app.inject({ method: 'GET', url: '/v1/experiments' })).json();
    expect(body.holdout).toEqual(vectors.holdout);
    const byKey = Object.fromEntries(body.experiments.map((e: { key: string }) => [e.key, e]));
    expect(byKey['layer-a'].namespace).toEqual({ name: 'checkout', range: [0, 0.3] });
    expect(byKey.targeted.condition).toEqual(
      vectors.experiments.find((e) => e.key === 'targeted')!.condition,
    );
    expect(byKey.half.coverage).toBe(0.5);
  });
});

describe('definitions with targeting, through the admin routes', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await testServer();
  });
  afterEach(async () => {
    await app.close();
  });
  const base = {
    key: 'layered',
    type: 'ab',
    seed: 1,
    arms: ['control', 'b'].map((name) => ({ name, model: 'm', version: '1.0.0', weight: 1 })),
  };
  const create = (body: object) =>
    app.inject({ method: 'POST', url: '/v1/experiments', headers: adminHeaders, payload: body });

  it('stores and serves condition, namespace, guardrails, coverage and sticky; no holdout unless configured', async () => {
    const definition = {
      ...base,
      coverage: 0.4,
      sticky: true,
      condition: { country: { $in: ['DE'] }, appVersion: { $vgte: '2.4.0' } },
      namespace: { name: 'checkout', range: [0.2, 0.6] },
      guardrails: [{ metric: 'latency_p95', maxRelativeIncrease: 0.2 }],
    };
    const created = await create(definition);
    expect(created.statusCode, created.body).toBe(201);
    const { key: _k, type: _t, seed: _s, arms: _a, ...targeting } = definition;
    expect(created.json()).toMatchObject(targeting);
    const listed = (await app.inject({ method: 'GET', url: '/v1/experiments' })).json();
    expect(listed.experiments[0]).toMatchObject(targeting);
    expect(listed).not.toHaveProperty('holdout');
    const one = (await app.inject({ method: 'GET', url: '/v1/experiments/layered' })).json();
    expect(one).toMatchObject(targeting);
  });

  it('refuses unknown operators at field and condition level with a 400 naming them', async () => {
    const field = await create({ ...base, condition: { country: { $regex: '^D' } } });
    expect(field.statusCode).toBe(400);
    expect(field.json().message).toContain(
      'condition.country.$regex: unknown operator "$regex"; use one of $eq',
    );
    const top = await create({ ...base, condition: { $regex: { country: 'DE' } } });
    expect(top.statusCode).toBe(400);
    expect(top.json().message).toContain('condition.$regex: unknown operator "$regex" at condition level');
  });

  it.each(
    conditions.invalid
      .filter((c) => typeof c.condition === 'object' && c.condition !== null && !Array.isArray(c.condition))
      .map((c) => [c.name, c] as const),
  )('refuses the invalid vector condition: %s', async (_name, c) => {
    const res = await create({ ...base, condition: c.condition });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(c.problem);
  });

  it('refuses an empty namespace range and bad guardrails', async () => {
    const empty = await create({ ...base, namespace: { name: 'n', range: [0.5, 0.5] } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('namespace.range: from (0.5) must be below to (0.5)');
    const reversed = await create({ ...base, namespace: { name: 'n', range: [0.6, 0.1] } });
    expect(reversed.statusCode).toBe(400);
    const guardrail = await create({ ...base, guardrails: [{ metric: 'reward', maxAbsolute: 1 }] });
    expect(guardrail.statusCode).toBe(400);
    expect(guardrail.json().message).toContain('guardrails[0]: a reward guardrail bounds a drop');
    const two = await create({
      ...base,
      guardrails: [{ metric: 'error_rate', maxAbsolute: 0.1, maxRelativeIncrease: 1 }],
    });
    expect(two.json().message).toContain('give exactly one bound');
  });

  it('refuses a namespace range that overlaps another experiment of the layer, saying what to fix', async () => {
    const layer = (key: string, range: [number, number], name = 'checkout') =>
      create({ ...base, key, namespace: { name, range } });
    expect((await layer('a', [0, 0.3])).statusCode).toBe(201);
    expect((await layer('b', [0.3, 0.7])).statusCode).toBe(201);
    const overlap = await layer('c', [0.6, 1]);
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().message).toBe(
      'body: namespace "checkout" range [0.6, 1) overlaps experiment "b" [0.3, 0.7); choose a range outside it',
    );
    expect((await layer('c', [0.7, 1])).statusCode).toBe(201);
    // Replacing an experiment may move it within its own old range; another layer is independent.
    expect((await layer('b', [0.35, 0.7])).statusCode).toBe(200);
    expect((await layer('d', [0, 1], 'other-layer')).statusCode).toBe(201);
    expect((await layer('a', [0.2, 0.4])).json().message).toContain('overlaps experiment "b" [0.35, 0.7)');
  });
});

describe('start-up experiments and the holdout option', () => {
  const layered = (key: string, range: [number, number]) => ({
    key,
    type: 'ab',
    seed: key,
    arms: [{ name: 'control', model: 'm', version: '1.0.0', weight: 1 }],
    namespace: { name: 'checkout', range },
  });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgewise-targeting-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an --experiments file whose layer ranges overlap', async () => {
    const file = join(dir, 'overlap.json');
    writeFileSync(file, JSON.stringify([layered('a', [0, 0.5]), layered('b', [0.4, 1])]));
    await expect(readExperimentsFile(file)).rejects.toThrow(
      `${file} experiments[1] ("b"): namespace "checkout" range [0.4, 1) overlaps experiment "a" [0, 0.5); choose a range outside it`,
    );
    const fine = join(dir, 'fine.json');
    writeFileSync(fine, JSON.stringify({ experiments: [layered('a', [0, 0.5]), layered('b', [0.5, 1])] }));
    expect((await readExperimentsFile(fine)).map((e) => e.key)).toEqual(['a', 'b']);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ ...layered('a', [0, 1]), condition: { $regex: 'x' } }]));
    await expect(readExperimentsFile(bad)).rejects.toThrow('unknown operator "$regex" at condition level');
  });

  it('refuses start-up experiments that overlap each other', async () => {
    await expect(
      testServer({ experiments: [layered('a', [0, 0.5]), layered('b', [0.2, 1])] as ExperimentDefinition[] }),
    ).rejects.toThrow('overlaps experiment "a" [0, 0.5)');
  });

  it('refuses a holdout share outside [0, 1]', async () => {
    await expect(testServer({ holdout: { share: 1.5, seed: 'x' } })).rejects.toThrow(/holdout share/);
    await expect(testServer({ holdout: { share: 0.1, seed: '' } })).rejects.toThrow(/holdout seed/);
  });

  it('the CLI refuses a holdout share without a seed, or outside [0, 1], before starting', async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)('npx', ['--no', '--', 'edgewise-server', ...args], { cwd: repoRoot }).catch(
        (e) => e,
      );
    const noSeed = await cli('--holdout-share', '0.05');
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toContain('--holdout-seed is required with --holdout-share');
    const tooBig = await cli('--holdout-share', '5', '--holdout-seed', 'global');
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain('--holdout-share must be a share in [0, 1]');
  });
});
