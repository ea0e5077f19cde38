import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminHeaders, modelsRoot, testServer } from './support/server.js';

const irisBytes = readFileSync(join(modelsRoot, 'iris/1.0.0/iris.fp32.onnx'));
const sha = createHash('sha256').update(irisBytes).digest('hex');

describe('model registry', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await testServer({ modelsRoot });
  });
  afterEach(async () => {
    await app.close();
  });

  const publish = (meta: object, body: Buffer = irisBytes, headers: Record<string, string> = adminHeaders) =>
    app.inject({
      method: 'POST',
      url: '/v1/models',
      headers: {
        ...headers,
        'content-type': 'application/octet-stream',
        'x-edgewise-model': JSON.stringify(meta),
      },
      payload: body,
    });

  it('publishes a version, computing sha256 and tensor specs server-side', async () => {
    const res = await publish({
      name: 'iris',
      version: '2.0.0',
      quantization: 'fp32',
      metrics: { accuracy: 0.93 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'iris',
      version: '2.0.0',
      sha256: sha,
      bytes: irisBytes.byteLength,
      status: 'candidate',
      format: 'onnx',
      inputs: [{ name: 'input', dtype: 'float32' }],
      url: '/v1/models/iris/2.0.0/file',
    });
    const manifest = (await app.inject({ method: 'GET', url: '/v1/manifest' })).json();
    expect(manifest.models.iris.versions['2.0.0']).toMatchObject({ sha256: sha, status: 'candidate' });
    // the models folder's versions are still there, with URLs made absolute
    expect(manifest.models.iris.versions['1.0.0'].url).toBe('/models/iris/1.0.0/iris.fp32.onnx');
    expect(manifest.models.iris.channels.stable).toBe('1.0.0');
  });

  it('refuses publishing without the admin token, with bad metadata, or twice', async () => {
    expect((await publish({ name: 'iris', version: '2.0.0' }, irisBytes, {})).statusCode).toBe(401);
    expect(
      (await publish({ name: 'iris', version: '2.0.0' }, irisBytes, { authorization: 'Bearer pk_x' }))
        .statusCode,
    ).toBe(403);
    const bad = await publish({ name: 'iris', version: '../x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('version');
    const junk = await publish({ name: 'iris', version: '3.0.0' }, Buffer.from('not a model at all'));
    expect(junk.statusCode).toBe(400);
    expect(junk.json().message).toMatch(/not a valid onnx model/);
    expect((await publish({ name: 'iris', version: '1.0.0' })).statusCode).toBe(409);
    expect((await publish({ name: 'iris', version: '2.0.0' })).statusCode).toBe(201);
    expect((await publish({ name: 'iris', version: '2.0.0' })).statusCode).toBe(409);
  });

  it('moves status forward only, and guards channels', async () => {
    await publish({ name: 'iris', version: '2.0.0' });
    const status = (s: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/models/iris/2.0.0/status',
        headers: adminHeaders,
        payload: { status: s },
      });
    const channel = (c: string, version: string) =>
      app.inject({
        method: 'PUT',
        url: `/v1/models/iris/channels/${c}`,
        headers: adminHeaders,
        payload: { version },
      });

    expect((await channel('stable', '2.0.0')).json().message).toMatch(/approve it before/);
    expect((await channel('canary', '2.0.0')).statusCode).toBe(200);
    expect((await status('approved')).statusCode).toBe(200);
    expect((await status('candidate')).statusCode).toBe(409);
    expect((await channel('stable', '2.0.0')).statusCode).toBe(200);
    const blocked = await status('retired');
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().message).toMatch(/move the channel/);
    const manifest = (await app.inject({ method: 'GET', url: '/v1/manifest' })).json();
    expect(manifest.models.iris.channels).toEqual({ stable: '2.0.0', canary: '2.0.0' });
    expect((await status('bogus')).statusCode).toBe(400);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/models/iris/1.0.0/status',
          headers: adminHeaders,
          payload: { status: 'retired' },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('serves published files immutably with ETag, 304 and byte ranges', async () => {
    await publish({ name: 'iris', version: '2.0.0' });
    const full = await app.inject({ method: 'GET', url: '/v1/models/iris/2.0.0/file' });
    expect(full.statusCode).toBe(200);
    expect(full.headers.etag).toBe(`"${sha}"`);
    expect(full.headers['cache-control']).toContain('immutable');
    expect(Buffer.compare(full.rawPayload, irisBytes)).toBe(0);
    const again = await app.inject({
      method: 'GET',
      url: '/v1/models/iris/2.0.0/file',
      headers: { 'if-none-match': `"${sha}"` },
    });
    expect(again.statusCode).toBe(304);
    const part = await app.inject({
      method: 'GET',
      url: '/v1/models/iris/2.0.0/file',
      headers: { range: 'bytes=10-19' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${irisBytes.byteLength}`);
    expect(Buffer.compare(part.rawPayload, irisBytes.subarray(10, 20))).toBe(0);
    const tail = await app.inject({
      method: 'GET',
      url: '/v1/models/iris/2.0.0/file',
      headers: { range: 'bytes=-5' },
    });
    expect(Buffer.compare(tail.rawPayload, irisBytes.subarray(-5))).toBe(0);
    const outside = await app.inject({
      method: 'GET',
      url: '/v1/models/iris/2.0.0/file',
      headers: { range: 'bytes=99999-' },
    });
    expect(outside.statusCode).toBe(416);
    expect((await app.inject({ method: 'GET', url: '/v1/models/iris/9.9.9/file' })).statusCode).toBe(404);
  });

  it('serves the models folder with immutable files and a revalidated manifest', async () => {
    const file = await app.inject({ method: 'GET', url: '/models/iris/1.0.0/iris.fp32.onnx' });
    expect(file.statusCode).toBe(200);
    expect(file.headers['cache-control']).toContain('immutable');
    expect(file.headers.etag).toBeTruthy();
    const manifest = await app.inject({ method: 'GET', url: '/models/manifest.json' });
    expect(manifest.headers['cache-control']).toBe('no-cache');
    const v1 = await app.inject({ method: 'GET', url: '/v1/manifest' });
    const cached = await app.inject({
      method: 'GET',
      url: '/v1/manifest',
      headers: { 'if-none-match': String(v1.headers.etag) },
    });
    expect(cached.statusCode).toBe(304);
  });
});
