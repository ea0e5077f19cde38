import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServer, ISOLATION_HEADERS } from '../src/index.js';

describe('server', () => {
  it('answers /healthz', async () => {
    const app = await buildServer();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      inference: { runtime: 'onnxruntime-node', version: expect.any(String), reason: expect.any(String) },
    });
    await app.close();
  });

  it('sends cross-origin isolation headers on static files so WASM threads can run', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ew-static-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>x</title>');
    const app = await buildServer({ staticRoot: root });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) expect(res.headers[name]).toBe(value);
    await app.close();
  });

  it('serves model files with byte ranges', async () => {
    const models = await mkdtemp(join(tmpdir(), 'ew-models-'));
    await writeFile(join(models, 'm.onnx'), Buffer.from([1, 2, 3, 4, 5, 6]));
    // Only files the manifest names are served from /models/.
    const version = { url: 'm.onnx', inputs: [], outputs: [], status: 'approved' };
    const manifest = { schemaVersion: 1, models: { m: { channels: {}, versions: { '1': version } } } };
    await writeFile(join(models, 'manifest.json'), JSON.stringify(manifest));
    const app = await buildServer({ modelsRoot: models });
    const res = await app.inject({ method: 'GET', url: '/models/m.onnx', headers: { range: 'bytes=2-3' } });
    expect(res.statusCode).toBe(206);
    expect([...res.rawPayload]).toEqual([3, 4]);
    await app.close();
  });
});
