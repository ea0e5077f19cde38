import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matmulChainReference, writeMatmulChain } from '@edgewise/model-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Edgewise } from '../../src/index.js';
import { modelsRoot } from './helpers/manifests.js';
import { type ModelServer, startModelServer } from './helpers/model-server.js';

// A real ONNX model with its weights in two external data shards, written by model-tools, loaded
// through Edgewise on this thread (Node): the manifest lists the shards, the store fetches and
// checks each, and onnxruntime gets them as external data by location.
const options = { dim: 64, layers: 6, seed: 7, shards: 2 };
const input = Float32Array.from({ length: options.dim }, (_, i) => Math.cos(i));
let server: ModelServer;
let dir: string;

beforeAll(async () => {
  server = await startModelServer(modelsRoot);
  dir = await mkdtemp(join(tmpdir(), 'edgewise-external-'));
  const files = await writeMatmulChain(dir, { ...options, name: 'chain' });
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const model = new Uint8Array(await readFile(files.model));
  server.files.set('/ext/chain.onnx', { body: model, ranges: true });
  const externalData = [];
  for (const d of files.externalData) {
    const body = new Uint8Array(await readFile(d.file));
    server.files.set(`/ext/${d.path}`, { body, ranges: true });
    externalData.push({ path: d.path, url: d.path, sha256: sha(body), bytes: body.byteLength });
  }
  const manifest = {
    schemaVersion: 1,
    generatedAt: '2026-12-03T00:00:00.000Z',
    models: {
      chain: {
        channels: { stable: '1.0.0' },
        versions: {
          '1.0.0': {
            url: 'chain.onnx',
            format: 'onnx',
            sha256: sha(model),
            bytes: model.byteLength,
            quantization: 'fp32',
            externalData,
            inputs: [{ name: 'input', dtype: 'float32', shape: [1, options.dim] }],
            outputs: [{ name: 'output', dtype: 'float32', shape: [1, options.dim] }],
            createdAt: '2026-12-03T00:00:00.000Z',
            status: 'approved',
          },
        },
      },
    },
  };
  server.files.set('/ext/manifest.json', { body: new TextEncoder().encode(JSON.stringify(manifest)) });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an ONNX model with external data, through Edgewise', () => {
  it('loads with its shards and matches the JS reference', async () => {
    const ew = await Edgewise.create({
      manifestUrl: `${server.url}/ext/manifest.json`,
      userId: 'u',
      backends: ['wasm'],
    });
    const model = await ew.load('chain');
    const out = (await model.predict({ input })) as Record<string, { data: Float32Array }>;
    const expected = matmulChainReference(options, input);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...Array.from(out.output!.data, (v, i) => Math.abs(v - expected[i]!)));
    expect(worst / scale).toBeLessThan(1e-4);
    const usage = await ew.cache.usage();
    expect(usage.models).toMatchObject([{ name: 'chain', complete: true, inUse: true }]);
    await model.dispose();
    await ew.close();
    expect(server.requests.filter((r) => r.includes('chain.onnx.data'))).toHaveLength(2);
  });
});
